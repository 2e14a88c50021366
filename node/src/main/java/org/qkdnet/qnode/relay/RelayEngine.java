package org.qkdnet.qnode.relay;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.CrashPoints;
import org.qkdnet.qnode.keystore.DeliverableKey;
import org.qkdnet.qnode.keystore.ForwardPads;
import org.qkdnet.qnode.keystore.PadRangeRejectedException;
import org.qkdnet.qnode.keystore.PadReservation;
import org.qkdnet.qnode.keystore.PoolExhaustedException;
import org.qkdnet.qnode.keystore.ShareHeader;
import org.qkdnet.qnode.keystore.ShareOutcome;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay protocol of one station, in its three roles (DESIGN.md section 7):
 *
 * <ul>
 *   <li>origin ({@link Origin}): reserves pad on the first link (that pad is the new key, or one
 *       share of it over several node-disjoint routes), sends hop 1, hands the key out only after
 *       the destination confirmed it stored it, and retries around failures within the deadline;
 *   <li>transit: checks the hop before touching any pad (a simple path of the topology within the
 *       hop cap, the SAEs registered at the path's ends, the next station not suspect, pad toward
 *       it available), then checks the one-time MAC, accepts the incoming range (replay defence)
 *       and reserves fresh pad toward the next station in one synced write; recovers the key (or
 *       share), re-encrypts it, forgets it;
 *   <li>destination: checks the MAC, then accepts the pad and stores the key for the slave SAE in
 *       one synced write (for a share: holds it until the group's other shares arrive, and only
 *       then stores their XOR), then answers.
 * </ul>
 * Every pad byte that was reserved stays consumed (USED on success, BURNED otherwise); a retry of
 * the identical hop is answered from the first attempt, without touching pad again.
 */
public final class RelayEngine {
  private static final Logger log = LoggerFactory.getLogger(RelayEngine.class);
  private static final int MAC_KEY_BYTES = HopSigner.MAC_KEY_BYTES;
  private static final int MAX_REMEMBERED_RELAYS = 10_000;
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private record Remembered(byte[] digest, CompletableFuture<RelayOutcome> outcome) {}

  /** Why a hop is refused before any pad is touched. */
  private record Refusal(String reason, String detail, String suspect) {}

  private final String self;
  private final StationKeyStore store;
  private final HopTransport transport;
  private final RelayRoutes routes;
  private final PadSupply supply;
  private final RelaySettingsView limits;
  private final InstantSource clock;
  private final Origin origin;
  private final Map<String, Remembered> recent =
      new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
          return size() > MAX_REMEMBERED_RELAYS;
        }
      };

  public RelayEngine(String self, StationKeyStore store, HopTransport transport, RelayRoutes routes,
      PadSupply supply, RelaySettingsView limits, InstantSource clock) {
    this.self = self;
    this.store = store;
    this.transport = transport;
    this.routes = routes;
    this.supply = supply;
    this.limits = limits;
    this.clock = clock;
    this.origin = new Origin(self, store, transport, routes, supply, limits, clock);
  }

  public String stationId() {
    return self;
  }

  public RelaySettingsView limits() {
    return limits;
  }

  // ---------------------------------------------------------------- origin

  /**
   * The result of a successful relay at the origin: the keys, the ids they were stored under (a
   * retried request gets fresh ids), the routes they took (one per share) and how long each route
   * took from hop 1 sent to the destination's answer (the last attempt's).
   */
  public record Delivery(List<String> keyIds, List<KeyMaterial> keys, List<List<String>> routes,
      List<java.time.Duration> routeTimes, List<Long> hopMicros) {
    public Delivery {
      keyIds = List.copyOf(keyIds);
      keys = List.copyOf(keys);
      routes = List.copyOf(routes);
      routeTimes = List.copyOf(routeTimes);
      hopMicros = List.copyOf(hopMicros);
    }

    public Delivery(List<String> keyIds, List<KeyMaterial> keys, List<List<String>> routes,
        List<java.time.Duration> routeTimes) {
      this(keyIds, keys, routes, routeTimes, List.of());
    }

    /** The primary route (the first share's). */
    public List<String> path() {
      return routes.get(0);
    }
  }

  /** One path; see {@link #originate(String, String, String, List, int, int)}. */
  public CompletionStage<Delivery> originate(
      String destination, String masterSae, String slaveSae, List<String> keyIds, int keySizeBytes) {
    return originate(destination, masterSae, slaveSae, keyIds, keySizeBytes, 1);
  }

  /**
   * Relays {@code keyIds.size()} keys of {@code keySizeBytes} each to {@code destination}, to be
   * fetched there by {@code slaveSae}; with {@code paths} > 1 as the XOR of that many shares over
   * node-disjoint routes. Completes with the keys only after the destination stored them; fails
   * with {@link RelayException} otherwise (nothing delivered to the master).
   */
  public CompletionStage<Delivery> originate(String destination, String masterSae, String slaveSae,
      List<String> keyIds, int keySizeBytes, int paths) {
    String problem = null;
    if (keyIds.isEmpty() || keyIds.size() > limits.maxKeysPerRelay()) {
      problem = "key count " + keyIds.size() + " outside 1.." + limits.maxKeysPerRelay();
    } else if (keySizeBytes <= 0 || keySizeBytes > limits.maxKeySizeBytes()) {
      problem = "key size " + keySizeBytes + " bytes outside 1.." + limits.maxKeySizeBytes();
    } else if (destination.equals(self)) {
      problem = "destination is this station: no relay needed";
    } else if (paths < 1 || paths > limits.maxPaths()) {
      problem = "paths " + paths + " outside 1.." + limits.maxPaths();
    }
    if (problem != null) {
      return CompletableFuture.failedFuture(
          new RelayException(RelayOutcome.failed("", RelayOutcome.BAD_REQUEST, problem, self)));
    }
    return origin.originate(new Origin.Request(destination, masterSae, slaveSae, keyIds, keySizeBytes, paths));
  }

  /**
   * An operator's probe: relays one 32-byte test key for no SAE to {@code destination} over the
   * route a key would take now (with the usual failover), every station on the way burning its pad
   * and the destination storing nothing. Completes with the route, its time and each hop's time
   * ({@link Delivery#hopMicros()}); fails with {@link RelayException} like a key relay.
   */
  public CompletionStage<Delivery> probe(String destination) {
    if (destination.equals(self)) {
      return CompletableFuture.failedFuture(new RelayException(RelayOutcome.failed("", RelayOutcome.BAD_REQUEST,
          "destination is this station: nothing to probe", self)));
    }
    return origin.originate(new Origin.Request(destination, "", "", List.of(java.util.UUID.randomUUID().toString()),
        PROBE_KEY_BYTES, 1, true));
  }

  /** The size of a probe's test key. */
  public static final int PROBE_KEY_BYTES = 32;

  // ---------------------------------------------------------------- transit and destination

  /**
   * Handles a hop sent by {@code authenticatedPeer} (the station named in the sender's TLS
   * certificate). Never completes exceptionally.
   */
  public CompletionStage<RelayOutcome> onHop(String authenticatedPeer, HopMessage m) {
    if (m.probe()) {
      long received = System.nanoTime();
      return handleHop(authenticatedPeer, m)
          .thenApply(o -> o.withTime(self, (System.nanoTime() - received) / 1000));
    }
    return handleHop(authenticatedPeer, m);
  }

  private CompletionStage<RelayOutcome> handleHop(String authenticatedPeer, HopMessage m) {
    // the sender's remaining time becomes a deadline on this station's own clock (never longer
    // than this station's relay timeout), so skewed clocks between stations do not matter
    long deadline = clock.millis() + Math.min(Math.max(m.remainingMillis(), 0), limits.relayTimeoutMillis());
    log.debug("relay {}: hop {} of {} from {}", m.relayId(), m.hop(), m.path(), authenticatedPeer);
    Refusal refusal = validate(authenticatedPeer, m);
    if (refusal != null) {
      log.warn("relay {} from {} refused before any pad was touched: {}", m.relayId(), authenticatedPeer,
          refusal.detail());
      return done(refusal.suspect().isEmpty()
          ? RelayOutcome.failed(m.relayId(), refusal.reason(), refusal.detail(), self)
          : RelayOutcome.unreachable(m.relayId(), refusal.reason(), refusal.detail(), self, refusal.suspect()));
    }
    byte[] digest = digest(m);
    CompletableFuture<RelayOutcome> mine = new CompletableFuture<>();
    synchronized (recent) {
      Remembered prior = recent.get(m.relayId());
      if (prior != null) {
        if (MessageDigest.isEqual(prior.digest(), digest)) {
          return prior.outcome(); // an identical retry: same answer, no pad touched again
        }
        return done(RelayOutcome.failed(m.relayId(),
            RelayOutcome.DUPLICATE_RELAY_ID, "relay id already used with different content", self));
      }
      recent.put(m.relayId(), new Remembered(digest, mine));
    }
    try {
      process(m, deadline).whenComplete((o, e) -> {
        if (e != null) {
          log.error("relay {} failed internally at {}", m.relayId(), self, e);
        }
        mine.complete(e == null ? o
            : RelayOutcome.failed(m.relayId(), RelayOutcome.INTERNAL, e.getClass().getSimpleName(), self));
      });
    } catch (RuntimeException e) {
      log.error("relay {} failed internally at {}", m.relayId(), self, e);
      mine.complete(RelayOutcome.failed(m.relayId(), RelayOutcome.INTERNAL, e.getClass().getSimpleName(), self));
    }
    return mine;
  }

  private CompletionStage<RelayOutcome> process(HopMessage m, long deadline) {
    // Runs inside the store on pad not yet durably accepted: nothing derived leaves before the
    // store's synced write, and a failure there burns the incoming range.
    Predicate<KeyMaterial> macVerifies = pad -> {
      try (KeyMaterial macKey = pad.slice(m.payloadBytes(), MAC_KEY_BYTES)) {
        return HopSigner.verify(m, macKey);
      }
    };
    try {
      if (m.receiver().equals(m.destination())) {
        if (m.probe()) {
          return done(deliverProbe(m, macVerifies));
        }
        return done(m.isShare() ? deliverShare(m, macVerifies) : deliver(m, macVerifies));
      }
      return forward(m, macVerifies, deadline);
    } catch (PadRangeRejectedException e) {
      log.warn("relay {} from {}: pad range rejected ({})", m.relayId(), m.sender(), e.getMessage());
      return done(RelayOutcome.failed(m.relayId(), RelayOutcome.PAD_RANGE_REJECTED, e.getMessage(), self));
    }
  }

  private RelayOutcome badTag(HopMessage m) {
    log.error("ALARM relay {} hop {} from {}: one-time MAC failed; pad burned, hop rejected",
        m.relayId(), m.hop(), m.sender());
    return RelayOutcome.failed(m.relayId(), RelayOutcome.BAD_TAG,
        "authentication tag of hop " + m.hop() + " from " + m.sender() + " did not verify", self);
  }

  /** The relayed key (or share) from the incoming pad: hop 1 carries the pad itself, later hops K xor pad. */
  private static KeyMaterial recoverKey(HopMessage m, KeyMaterial incomingPad) {
    int n = m.payloadBytes();
    try (KeyMaterial keyPad = incomingPad.slice(0, n)) {
      return m.hop() == 1 ? keyPad.slice(0, n) : keyPad.xor(m.ciphertext());
    }
  }

  /** Destination: accepts the pad and stores the keys in one synced write of the store. */
  private RelayOutcome deliver(HopMessage m, Predicate<KeyMaterial> macVerifies) {
    boolean stored;
    try {
      stored = store.acceptAndStoreDeliverable(m.sender(), m.keyPad().offset(),
          m.payloadBytes() + MAC_KEY_BYTES, m.relayId(), pad -> {
            if (!macVerifies.test(pad)) {
              return List.of();
            }
            try (KeyMaterial key = recoverKey(m, pad)) {
              List<DeliverableKey> deliverable = new ArrayList<>(m.keyIds().size());
              for (int i = 0; i < m.keyIds().size(); i++) {
                deliverable.add(new DeliverableKey(m.keyIds().get(i), m.masterSae(), m.slaveSae(),
                    key.slice(i * m.keySizeBytes(), m.keySizeBytes())));
              }
              return deliverable;
            }
          });
    } catch (IllegalArgumentException e) {
      return RelayOutcome.failed(m.relayId(), RelayOutcome.BAD_REQUEST, e.getMessage(), self);
    }
    if (!stored) {
      return badTag(m);
    }
    CrashPoints.hit("relay.destinationAfterStoreBeforeAck");
    return RelayOutcome.delivered(m.relayId());
  }

  /**
   * Destination of a probe: accepts the pad (the replay defence holds for probes too), checks the
   * tag and forgets the test key; nothing is stored for anyone.
   */
  private RelayOutcome deliverProbe(HopMessage m, Predicate<KeyMaterial> macVerifies) {
    boolean verified;
    try (KeyMaterial pad = store.acceptIncoming(m.sender(), m.keyPad().offset(), m.payloadBytes() + MAC_KEY_BYTES,
        m.relayId())) {
      verified = macVerifies.test(pad);
    } catch (IllegalArgumentException e) {
      return RelayOutcome.failed(m.relayId(), RelayOutcome.BAD_REQUEST, e.getMessage(), self);
    }
    if (!verified) {
      return badTag(m);
    }
    log.info("probe {} from {} arrived over {}", m.relayId(), m.origin(), m.path());
    return RelayOutcome.delivered(m.relayId());
  }

  /** Destination of one share: accepts the pad and holds the share, or stores the group's combined keys. */
  private RelayOutcome deliverShare(HopMessage m, Predicate<KeyMaterial> macVerifies) {
    ShareHeader header = new ShareHeader(m.groupId(), m.shareCount(), m.masterSae(), m.slaveSae(), m.keyIds(),
        m.keySizeBytes());
    AtomicReference<Boolean> tagFailed = new AtomicReference<>(false);
    // Held no longer than this station's own relay timeout: its clock alone decides, however far
    // the origin's is off; a share that waited longer is deleted and its group fails.
    ShareOutcome o = store.acceptShare(m.sender(), m.keyPad().offset(), m.payloadBytes() + MAC_KEY_BYTES,
        m.relayId(), header, m.shareIndex(), clock.millis(), limits.relayTimeoutMillis(), pad -> {
          if (!macVerifies.test(pad)) {
            tagFailed.set(true);
            return null;
          }
          return recoverKey(m, pad);
        });
    return switch (o.result()) {
      case HELD -> RelayOutcome.shareHeld(m.relayId());
      case COMBINED -> {
        CrashPoints.hit("relay.destinationAfterStoreBeforeAck");
        yield RelayOutcome.delivered(m.relayId());
      }
      case REFUSED -> tagFailed.get() ? badTag(m)
          : RelayOutcome.failed(m.relayId(), RelayOutcome.SHARE_REFUSED, o.detail(), self);
    };
  }

  /**
   * Transit: makes sure pad toward the next station exists (asking the link for key on demand)
   * before touching the incoming pad, then accepts the incoming pad and reserves the outgoing one
   * in one synced write of the store, re-encrypts the key toward the next station and forgets it.
   */
  private CompletionStage<RelayOutcome> forward(HopMessage in, Predicate<KeyMaterial> macVerifies, long deadline) {
    int need = in.payloadBytes() + MAC_KEY_BYTES;
    String next = in.path().get(in.hop() + 1);
    CompletionStage<Boolean> ready = store.availableToSend(next) >= need
        ? CompletableFuture.completedFuture(true) : supply.ensure(next, need);
    return ready.thenCompose(ok -> ok ? forwardNow(in, macVerifies, deadline)
        : done(RelayOutcome.failed(in.relayId(), RelayOutcome.POOL_EXHAUSTED, "link " + self + "->" + next
            + " has no " + need + " bytes of key; incoming pad left untouched", self)));
  }

  private CompletionStage<RelayOutcome> forwardNow(HopMessage in, Predicate<KeyMaterial> macVerifies,
      long deadline) {
    int n = in.payloadBytes();
    String next = in.path().get(in.hop() + 1);
    Optional<ForwardPads> accepted;
    try {
      accepted = store.acceptAndReserve(in.sender(), in.keyPad().offset(), n + MAC_KEY_BYTES,
          in.relayId(), next, n + MAC_KEY_BYTES, macVerifies);
    } catch (PoolExhaustedException e) {
      return done(RelayOutcome.failed(in.relayId(), RelayOutcome.POOL_EXHAUSTED, e.getMessage(), self));
    } catch (PadRangeRejectedException e) {
      log.warn("relay {} from {}: pad range rejected ({})", in.relayId(), in.sender(), e.getMessage());
      return done(RelayOutcome.failed(in.relayId(), RelayOutcome.PAD_RANGE_REJECTED, e.getMessage(), self));
    }
    if (accepted.isEmpty()) {
      return done(badTag(in));
    }
    CrashPoints.hit("relay.transitAfterReserveBeforeSend");
    PadReservation reservation = accepted.get().outgoing();
    HopMessage out;
    try (ForwardPads pads = accepted.get();
        KeyMaterial key = recoverKey(in, pads.incoming());
        KeyMaterial keyPad = pads.outgoingPad().slice(0, n);
        KeyMaterial macKey = pads.outgoingPad().slice(n, MAC_KEY_BYTES);
        KeyMaterial cipher = key.xor(keyPad)) {
      if (TransitTaps.active(self)) {
        TransitTaps.recovered(self, key.copyBytes());
      }
      // a transit station forgets the key as soon as it is re-encrypted (try-with-resources)
      byte[] c = cipher.copyBytes(); // ciphertext is public: K xor fresh pad
      PadRange keyRange = new PadRange(self, next, reservation.offset(), n);
      PadRange macRange = new PadRange(self, next, reservation.offset() + n, MAC_KEY_BYTES);
      out = HopSigner.sign(new HopMessage(in.relayId(), in.path(), in.hop() + 1, in.masterSae(), in.slaveSae(),
          in.keyIds(), in.keySizeBytes(), keyRange, macRange, c, new byte[0], Math.max(1, deadline - clock.millis()),
          in.groupId(), in.shareIndex(), in.shareCount(), in.probe()), macKey);
    }
    supply.replenish(next);
    int remainingHops = in.path().size() - 1 - in.hop();
    return origin.sendThenSettle(out, Origin.timeoutFor(clock, limits, deadline, remainingHops), reservation,
        in.destination(), java.util.function.Function.identity());
  }

  // ---------------------------------------------------------------- checks before any pad

  private static CompletionStage<RelayOutcome> done(RelayOutcome o) {
    return CompletableFuture.completedFuture(o);
  }

  private static Refusal bad(String detail) {
    return new Refusal(RelayOutcome.BAD_REQUEST, detail, "");
  }

  /** Checks that need no pad: a refusal here changes nothing. Null when fine. */
  private Refusal validate(String peer, HopMessage m) {
    if (m.relayId().isEmpty() || m.relayId().length() > 64) {
      return bad("relay id missing or too long");
    }
    List<String> path = m.path();
    Optional<String> pathProblem = routes.pathProblem(path);
    if (pathProblem.isPresent()) {
      return bad("path refused: " + pathProblem.get());
    }
    if (path.size() < 2 || path.size() - 1 > limits.maxPathHops() || new HashSet<>(path).size() != path.size()) {
      return bad("path of " + (path.size() - 1) + " hops is not a simple path within " + limits.maxPathHops() + " hops");
    }
    if (m.hop() < 1 || m.hop() >= path.size()) {
      return bad("hop index " + m.hop() + " outside 1.." + (path.size() - 1));
    }
    if (!self.equals(m.receiver())) {
      return bad("hop " + m.hop() + " is addressed to " + m.receiver() + ", not " + self);
    }
    if (!peer.equals(m.sender())) {
      return bad("hop " + m.hop() + " must come from " + m.sender() + " but the peer is " + peer);
    }
    if (m.keyIds().isEmpty() || m.keyIds().size() > limits.maxKeysPerRelay()) {
      return bad("key count " + m.keyIds().size() + " outside 1.." + limits.maxKeysPerRelay());
    }
    if (m.keySizeBytes() < 1 || m.keySizeBytes() > limits.maxKeySizeBytes()) {
      return bad("key size " + m.keySizeBytes() + " bytes outside 1.." + limits.maxKeySizeBytes());
    }
    if (new HashSet<>(m.keyIds()).size() != m.keyIds().size()) {
      return bad("duplicate key ids");
    }
    for (String id : m.keyIds()) {
      if (!UUID_TEXT.matcher(id).matches()) {
        return bad("a key id is not a UUID");
      }
    }
    if (m.probe()) {
      if (!m.masterSae().isEmpty() || !m.slaveSae().isEmpty() || m.isShare() || m.keyIds().size() != 1
          || m.keySizeBytes() != PROBE_KEY_BYTES) {
        return bad("a probe carries one " + PROBE_KEY_BYTES + "-byte key for no SAE over one path");
      }
    } else if (m.masterSae().isEmpty() || m.slaveSae().isEmpty()) {
      return bad("master and slave SAE ids are required");
    } else if (!routes.isSaeAt(m.masterSae(), m.origin())) {
      return new Refusal(RelayOutcome.UNKNOWN_SAE, "master SAE " + m.masterSae() + " is not registered at the origin "
          + m.origin(), "");
    } else if (!routes.isSaeAt(m.slaveSae(), m.destination())) {
      return new Refusal(RelayOutcome.UNKNOWN_SAE, "slave SAE " + m.slaveSae() + " is not registered at the destination "
          + m.destination(), "");
    }
    if (m.shareCount() < 1 || m.shareCount() > limits.maxPaths() || m.shareIndex() < 1
        || m.shareIndex() > m.shareCount()) {
      return bad("share " + m.shareIndex() + " of " + m.shareCount() + " outside 1.." + limits.maxPaths() + " paths");
    }
    if (m.isShare() != !m.groupId().isEmpty() || m.groupId().length() > 64) {
      return bad("a share group id is required exactly for multipath relays (at most 64 characters)");
    }
    int n = m.payloadBytes();
    PadRange k = m.keyPad();
    PadRange t = m.macPad();
    if (!k.from().equals(peer) || !k.to().equals(self) || !t.from().equals(peer) || !t.to().equals(self)) {
      return bad("pad ranges must lie on stream " + peer + "->" + self);
    }
    if (k.offset() < 0 || k.length() != n || t.length() != MAC_KEY_BYTES || t.offset() != k.end()) {
      return bad("pad ranges do not match the payload (" + n + " bytes + " + MAC_KEY_BYTES + " MAC key bytes)");
    }
    int expectedCipher = m.hop() == 1 ? 0 : n;
    if (m.ciphertext().length != expectedCipher) {
      return bad("ciphertext length " + m.ciphertext().length + ", expected " + expectedCipher);
    }
    if (m.tag().length != HopSigner.TAG_BYTES) {
      return bad("tag length " + m.tag().length + ", expected " + HopSigner.TAG_BYTES);
    }
    if (m.remainingMillis() <= 0) {
      return bad("no time left for this relay (remaining " + m.remainingMillis() + " ms)");
    }
    if (m.hop() + 1 == path.size() && !m.probe()) {
      // the destination applies the access policy and the slave's backlog cap itself
      if (!routes.pairAllowed(m.masterSae(), m.slaveSae())) {
        return new Refusal(RelayOutcome.NOT_ALLOWED, "the access policy does not allow keys from "
            + m.masterSae() + " to " + m.slaveSae(), "");
      }
      if (store.deliverableCount(m.slaveSae()) + m.keyIds().size() > limits.maxUndeliveredPerSlave()) {
        return new Refusal(RelayOutcome.SLAVE_BACKLOG, "too many keys are waiting for " + m.slaveSae()
            + " to fetch them (at most " + limits.maxUndeliveredPerSlave() + ")", "");
      }
    }
    if (m.hop() + 1 < path.size()) {
      if (routes.drained()) {
        return new Refusal(RelayOutcome.DRAINED, "station " + self
            + " is drained by an operator: no new relays pass through it; nothing reserved", "");
      }
      String next = path.get(m.hop() + 1);
      if (routes.isSuspect(next)) {
        return new Refusal(RelayOutcome.UNREACHABLE, "next station " + next
            + " did not answer recently; nothing reserved", next);
      }
    }
    return null;
  }

  private static byte[] digest(HopMessage m) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(HopCodec.header(m));
      sha.update(m.ciphertext());
      sha.update(m.tag());
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
