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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.qkdnet.qnode.crypto.OneTimeMac;
import org.qkdnet.qnode.keystore.CrashPoints;
import org.qkdnet.qnode.keystore.DeliverableKey;
import org.qkdnet.qnode.keystore.ForwardPads;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.PadRangeRejectedException;
import org.qkdnet.qnode.keystore.PadReservation;
import org.qkdnet.qnode.keystore.PoolExhaustedException;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay protocol of one station, in its three roles (DESIGN.md section 7):
 *
 * <ul>
 *   <li>origin: reserves pad on the first link (that pad is the new key), sends hop 1, and hands
 *       the key out only after the destination confirmed it stored it;
 *   <li>transit: checks the one-time MAC on the incoming pad, then accepts that range (replay
 *       defence) and reserves fresh pad toward the next station in one synced write; recovers
 *       the key, re-encrypts it, forgets it;
 *   <li>destination: checks the MAC, then accepts the pad and stores the key for the slave SAE
 *       in one synced write, then answers.
 * </ul>
 * Every pad byte that was reserved stays consumed (USED on success, BURNED otherwise); a retry of
 * the identical hop is answered from the first attempt, without touching pad again.
 */
public final class RelayEngine {
  private static final Logger log = LoggerFactory.getLogger(RelayEngine.class);
  private static final int MAC_KEY_BYTES = 32;
  private static final int TAG_BYTES = 16;
  private static final int MAX_REMEMBERED_RELAYS = 10_000;
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** Where keys may go: the routing and SAE views the engine needs. */
  public interface Directory {
    /** Path self .. destination over usable stations and links, or empty. */
    Optional<List<String>> route(String destination);

    /** Whether {@code saeId} is registered at {@code stationId}. */
    boolean isSaeAt(String saeId, String stationId);
  }

  private record Remembered(byte[] digest, CompletableFuture<RelayOutcome> outcome) {}

  private final String self;
  private final StationKeyStore store;
  private final HopTransport transport;
  private final Directory directory;
  private final RelaySettingsView limits;
  private final InstantSource clock;
  private final Map<String, Remembered> recent =
      new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
          return size() > MAX_REMEMBERED_RELAYS;
        }
      };

  public RelayEngine(
      String self,
      StationKeyStore store,
      HopTransport transport,
      Directory directory,
      RelaySettingsView limits,
      InstantSource clock) {
    this.self = self;
    this.store = store;
    this.transport = transport;
    this.directory = directory;
    this.limits = limits;
    this.clock = clock;
  }

  public String stationId() {
    return self;
  }

  // ---------------------------------------------------------------- origin

  /** The result of a successful relay at the origin: the keys and the path they took. */
  public record Delivery(List<KeyMaterial> keys, List<String> path) {}

  /**
   * Relays {@code keyIds.size()} keys of {@code keySizeBytes} each to {@code destination}, to be
   * fetched there by {@code slaveSae}. Completes with the keys only after the destination stored
   * them; fails with {@link RelayException} otherwise (nothing delivered to the master).
   */
  public CompletionStage<Delivery> originate(
      String destination, String masterSae, String slaveSae, List<String> keyIds, int keySizeBytes) {
    String relayId = UUID.randomUUID().toString();
    if (keyIds.isEmpty() || keyIds.size() > limits.maxKeysPerRelay()) {
      return failed(relayId, RelayOutcome.BAD_REQUEST, "key count " + keyIds.size() + " outside 1.."
          + limits.maxKeysPerRelay());
    }
    if (keySizeBytes <= 0 || keySizeBytes > limits.maxKeySizeBytes()) {
      return failed(relayId, RelayOutcome.BAD_REQUEST, "key size " + keySizeBytes + " bytes outside 1.."
          + limits.maxKeySizeBytes());
    }
    if (destination.equals(self)) {
      return failed(relayId, RelayOutcome.BAD_REQUEST, "destination is this station: no relay needed");
    }
    Optional<List<String>> route = directory.route(destination);
    if (route.isEmpty()) {
      return failed(relayId, RelayOutcome.NO_ROUTE, "no usable path from " + self + " to " + destination);
    }
    List<String> path = route.get();
    if (path.size() - 1 > limits.maxPathHops()) {
      return failed(relayId, RelayOutcome.NO_ROUTE, "shortest usable path has " + (path.size() - 1)
          + " hops, more than the limit of " + limits.maxPathHops());
    }
    int n = keyIds.size() * keySizeBytes;
    String next = path.get(1);
    PadReservation reservation;
    try {
      reservation = store.reserve(next, n + MAC_KEY_BYTES, relayId);
    } catch (PoolExhaustedException e) {
      return failed(relayId, RelayOutcome.POOL_EXHAUSTED, e.getMessage());
    }
    CrashPoints.hit("relay.originAfterReserveBeforeSend");
    long deadline = clock.millis() + limits.relayTimeoutMillis();
    KeyMaterial pad = store.padBytes(reservation);
    KeyMaterial key = pad.slice(0, n);
    HopMessage hop;
    try (KeyMaterial macKey = pad.slice(n, MAC_KEY_BYTES)) {
      PadRange keyPad = new PadRange(self, next, reservation.offset(), n);
      PadRange macPad = new PadRange(self, next, reservation.offset() + n, MAC_KEY_BYTES);
      HopMessage unsigned = new HopMessage(relayId, path, 1, masterSae, slaveSae, keyIds, keySizeBytes,
          keyPad, macPad, new byte[0], new byte[0], deadline);
      hop = withTag(unsigned, macKey, new byte[0]);
    } finally {
      pad.zeroize();
    }
    return transport
        .send(hop, timeoutFor(deadline, path.size() - 1))
        .thenApply(
            outcome -> {
              settle(reservation, outcome);
              if (!outcome.delivered()) {
                key.zeroize();
                throw new RelayException(outcome);
              }
              List<KeyMaterial> keys = split(key, keyIds.size(), keySizeBytes);
              key.zeroize();
              return new Delivery(keys, path);
            });
  }

  private CompletionStage<Delivery> failed(String relayId, String reason, String detail) {
    return CompletableFuture.failedFuture(
        new RelayException(RelayOutcome.failed(relayId, reason, detail, self)));
  }

  // ---------------------------------------------------------------- transit and destination

  /**
   * Handles a hop sent by {@code authenticatedPeer} (the station named in the sender's TLS
   * certificate). Never completes exceptionally.
   */
  public CompletionStage<RelayOutcome> onHop(String authenticatedPeer, HopMessage m) {
    String problem = validate(authenticatedPeer, m);
    if (problem != null) {
      log.warn("relay {} from {} rejected before any pad was touched: {}", m.relayId(), authenticatedPeer, problem);
      return CompletableFuture.completedFuture(
          RelayOutcome.failed(m.relayId(), RelayOutcome.BAD_REQUEST, problem, self));
    }
    byte[] digest = digest(m);
    CompletableFuture<RelayOutcome> mine = new CompletableFuture<>();
    synchronized (recent) {
      Remembered prior = recent.get(m.relayId());
      if (prior != null) {
        if (MessageDigest.isEqual(prior.digest(), digest)) {
          return prior.outcome(); // an identical retry: same answer, no pad touched again
        }
        return CompletableFuture.completedFuture(RelayOutcome.failed(m.relayId(),
            RelayOutcome.DUPLICATE_RELAY_ID, "relay id already used with different content", self));
      }
      recent.put(m.relayId(), new Remembered(digest, mine));
    }
    try {
      process(m).whenComplete((o, e) -> mine.complete(e == null ? o
          : RelayOutcome.failed(m.relayId(), RelayOutcome.INTERNAL, e.getClass().getSimpleName(), self)));
    } catch (RuntimeException e) {
      log.error("relay {} failed internally at {}", m.relayId(), self, e);
      mine.complete(RelayOutcome.failed(m.relayId(), RelayOutcome.INTERNAL, e.getClass().getSimpleName(), self));
    }
    return mine;
  }

  private CompletionStage<RelayOutcome> process(HopMessage m) {
    int n = m.payloadBytes();
    byte[] header = HopCodec.header(m);
    byte[] ciphertext = m.ciphertext();
    byte[] tag = m.tag();
    // Runs inside the store on pad not yet durably accepted: nothing derived leaves before the
    // store's synced write, and a failure there burns the incoming range.
    Predicate<KeyMaterial> macVerifies = pad -> {
      try (KeyMaterial macKey = pad.slice(n, MAC_KEY_BYTES)) {
        return OneTimeMac.verify(macKey, tag, header, ciphertext);
      }
    };
    try {
      if (m.receiver().equals(m.destination())) {
        return done(deliver(m, macVerifies, ciphertext));
      }
      return forward(m, macVerifies, ciphertext);
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

  /** The relayed key from the incoming pad: hop 1 carries the pad itself, later hops K xor pad. */
  private static KeyMaterial recoverKey(HopMessage m, KeyMaterial incomingPad, byte[] ciphertext) {
    int n = m.payloadBytes();
    try (KeyMaterial keyPad = incomingPad.slice(0, n)) {
      return m.hop() == 1 ? keyPad.slice(0, n) : keyPad.xor(ciphertext);
    }
  }

  /** Destination: accepts the pad and stores the keys in one synced write of the store. */
  private RelayOutcome deliver(HopMessage m, Predicate<KeyMaterial> macVerifies, byte[] ciphertext) {
    boolean saeKnown = directory.isSaeAt(m.slaveSae(), self);
    AtomicReference<String> refusal = new AtomicReference<>();
    boolean stored;
    try {
      stored = store.acceptAndStoreDeliverable(m.sender(), m.keyPad().offset(),
          m.payloadBytes() + MAC_KEY_BYTES, m.relayId(), pad -> {
            if (!macVerifies.test(pad)) {
              refusal.set(RelayOutcome.BAD_TAG);
              return List.of();
            }
            if (!saeKnown) {
              refusal.set(RelayOutcome.UNKNOWN_SAE);
              return List.of();
            }
            try (KeyMaterial key = recoverKey(m, pad, ciphertext)) {
              List<KeyMaterial> keys = split(key, m.keyIds().size(), m.keySizeBytes());
              List<DeliverableKey> deliverable = new ArrayList<>(keys.size());
              for (int i = 0; i < keys.size(); i++) {
                deliverable.add(new DeliverableKey(m.keyIds().get(i), m.masterSae(), m.slaveSae(), keys.get(i)));
              }
              return deliverable;
            }
          });
    } catch (IllegalArgumentException e) {
      return RelayOutcome.failed(m.relayId(), RelayOutcome.BAD_REQUEST, e.getMessage(), self);
    }
    if (!stored) {
      return RelayOutcome.BAD_TAG.equals(refusal.get()) ? badTag(m)
          : RelayOutcome.failed(m.relayId(), RelayOutcome.UNKNOWN_SAE,
              "slave SAE " + m.slaveSae() + " is not registered at " + self, self);
    }
    CrashPoints.hit("relay.destinationAfterStoreBeforeAck");
    return RelayOutcome.delivered(m.relayId());
  }

  /**
   * Transit: accepts the incoming pad and reserves the outgoing one in one synced write of the
   * store, then re-encrypts the key toward the next station and forgets it.
   */
  private CompletionStage<RelayOutcome> forward(
      HopMessage in, Predicate<KeyMaterial> macVerifies, byte[] ciphertext) {
    int n = in.payloadBytes();
    String next = in.path().get(in.hop() + 1);
    Optional<ForwardPads> accepted;
    try {
      accepted = store.acceptAndReserve(in.sender(), in.keyPad().offset(), n + MAC_KEY_BYTES,
          in.relayId(), next, n + MAC_KEY_BYTES, macVerifies);
    } catch (PoolExhaustedException e) {
      return done(RelayOutcome.failed(in.relayId(), RelayOutcome.POOL_EXHAUSTED, e.getMessage(), self));
    }
    if (accepted.isEmpty()) {
      return done(badTag(in));
    }
    CrashPoints.hit("relay.transitAfterReserveBeforeSend");
    PadReservation reservation = accepted.get().outgoing();
    HopMessage out;
    try (ForwardPads pads = accepted.get();
        KeyMaterial key = recoverKey(in, pads.incoming(), ciphertext);
        KeyMaterial keyPad = pads.outgoingPad().slice(0, n);
        KeyMaterial macKey = pads.outgoingPad().slice(n, MAC_KEY_BYTES);
        KeyMaterial cipher = key.xor(keyPad)) {
      // a transit station forgets the key as soon as it is re-encrypted (try-with-resources)
      byte[] c = cipher.copyBytes(); // ciphertext is public: K xor fresh pad
      PadRange keyRange = new PadRange(self, next, reservation.offset(), n);
      PadRange macRange = new PadRange(self, next, reservation.offset() + n, MAC_KEY_BYTES);
      HopMessage unsigned = new HopMessage(in.relayId(), in.path(), in.hop() + 1, in.masterSae(),
          in.slaveSae(), in.keyIds(), in.keySizeBytes(), keyRange, macRange, c, new byte[0],
          in.deadlineEpochMs());
      out = withTag(unsigned, macKey, c);
    }
    int remainingHops = in.path().size() - 1 - in.hop();
    return transport
        .send(out, timeoutFor(in.deadlineEpochMs(), remainingHops))
        .thenApply(outcome -> {
          settle(reservation, outcome);
          return outcome;
        });
  }

  // ---------------------------------------------------------------- helpers

  private void settle(PadReservation reservation, RelayOutcome outcome) {
    if (outcome.delivered()) {
      store.markUsed(reservation);
    } else {
      store.burn(reservation);
    }
  }

  private long timeoutFor(long deadlineEpochMs, int remainingHops) {
    long left = deadlineEpochMs - clock.millis();
    long perHops = limits.hopTimeoutMillis() * Math.max(1, remainingHops);
    return Math.max(1, Math.min(left, perHops));
  }

  private static HopMessage withTag(HopMessage m, KeyMaterial macKey, byte[] ciphertext) {
    byte[] tag = OneTimeMac.tag(macKey, HopCodec.header(m), ciphertext);
    return new HopMessage(m.relayId(), m.path(), m.hop(), m.masterSae(), m.slaveSae(), m.keyIds(),
        m.keySizeBytes(), m.keyPad(), m.macPad(), ciphertext, tag, m.deadlineEpochMs());
  }

  private static List<KeyMaterial> split(KeyMaterial key, int count, int size) {
    List<KeyMaterial> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(key.slice(i * size, size));
    }
    return keys;
  }

  private static CompletionStage<RelayOutcome> done(RelayOutcome o) {
    return CompletableFuture.completedFuture(o);
  }

  /** Structural checks that need no pad: a failure here changes nothing. Null when fine. */
  private String validate(String peer, HopMessage m) {
    if (m.relayId().isEmpty() || m.relayId().length() > 64) {
      return "relay id missing or too long";
    }
    List<String> path = m.path();
    if (path.size() < 2 || path.size() - 1 > limits.maxPathHops()) {
      return "path length " + path.size() + " outside 2.." + (limits.maxPathHops() + 1);
    }
    if (new HashSet<>(path).size() != path.size()) {
      return "path visits a station twice";
    }
    if (m.hop() < 1 || m.hop() >= path.size()) {
      return "hop index " + m.hop() + " outside 1.." + (path.size() - 1);
    }
    if (!self.equals(m.receiver())) {
      return "hop " + m.hop() + " is addressed to " + m.receiver() + ", not " + self;
    }
    if (!peer.equals(m.sender())) {
      return "hop " + m.hop() + " must come from " + m.sender() + " but the peer is " + peer;
    }
    if (m.keyIds().isEmpty() || m.keyIds().size() > limits.maxKeysPerRelay()) {
      return "key count " + m.keyIds().size() + " outside 1.." + limits.maxKeysPerRelay();
    }
    if (m.keySizeBytes() < 1 || m.keySizeBytes() > limits.maxKeySizeBytes()) {
      return "key size " + m.keySizeBytes() + " bytes outside 1.." + limits.maxKeySizeBytes();
    }
    if (new HashSet<>(m.keyIds()).size() != m.keyIds().size()) {
      return "duplicate key ids";
    }
    for (String id : m.keyIds()) {
      if (!UUID_TEXT.matcher(id).matches()) {
        return "a key id is not a UUID";
      }
    }
    if (m.masterSae().isEmpty() || m.slaveSae().isEmpty()) {
      return "master and slave SAE ids are required";
    }
    int n = m.payloadBytes();
    PadRange k = m.keyPad();
    PadRange t = m.macPad();
    if (!k.from().equals(peer) || !k.to().equals(self) || !t.from().equals(peer) || !t.to().equals(self)) {
      return "pad ranges must lie on stream " + peer + "->" + self;
    }
    if (k.offset() < 0 || k.length() != n || t.length() != MAC_KEY_BYTES || t.offset() != k.end()) {
      return "pad ranges do not match the payload (" + n + " bytes + " + MAC_KEY_BYTES + " MAC key bytes)";
    }
    int expectedCipher = m.hop() == 1 ? 0 : n;
    if (m.ciphertext().length != expectedCipher) {
      return "ciphertext length " + m.ciphertext().length + ", expected " + expectedCipher;
    }
    if (m.tag().length != TAG_BYTES) {
      return "tag length " + m.tag().length + ", expected " + TAG_BYTES;
    }
    if (m.deadlineEpochMs() <= clock.millis()) {
      return "deadline already passed";
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
