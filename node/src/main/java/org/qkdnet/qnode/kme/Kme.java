package org.qkdnet.qnode.kme;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.qkdnet.qnode.keystore.DeliverableKey;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-management entity of one station (ETSI GS QKD 014): checks who asks, makes keys
 * (locally for a slave on this station, by relay otherwise) and hands each key once to the
 * master and once to the slave.
 *
 * <p>Every refusal is a failed stage with a {@link KmeException}; nothing is stored or consumed
 * by a refused request. Calls into the key store block, so callers run them off event loops.
 */
public final class Kme {
  /** Same text whether the key never existed, belongs to another SAE or was already fetched. */
  public static final String KEY_NOT_FOUND = "key not found";

  private static final Logger log = LoggerFactory.getLogger(Kme.class);
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final String stationId;
  private final Map<String, String> stationOfSae;
  private final KmeLimits limits;
  private final StationKeyStore store;
  private final KeyRelayer relayer;
  private final SecureRandom random;
  private final AccessPolicy policy;
  private final FairShare fairShare;
  private final long maxUndeliveredPerSlave;
  /** Answers the server took whose keys are not deleted yet (see {@link Fetch#taken}). */
  private final Set<Fetch> takenNotSettled = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile long deleteTakenAfterMillis = DELETE_TAKEN_AFTER_MILLIS;
  /** Fetches handed out (or being handed out) and not settled yet. */
  private final java.util.concurrent.atomic.AtomicInteger fetchesInFlight = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean stopping;

  /**
   * How long after the HTTP server took a dec_keys answer its keys are deleted. Taking the body is
   * not sending it: the bytes still pass the TLS stage and the connection's buffers before the
   * kernel has them, and a process that dies in between has sent nothing. Deleting at once lost
   * keys that way (found by the chaos soak); deleting a moment later means a crash in that moment
   * brings the keys back for the same slave (at-least-once across a crash, never to anyone else).
   * An orderly stop deletes them at once ({@link #settleTakenAnswers}), after its HTTP server stopped.
   */
  public static final long DELETE_TAKEN_AFTER_MILLIS = 1_000;

  /** Any registered pair, no fair shares, no cap on undelivered keys. */
  public Kme(
      String stationId,
      Collection<SaeEntry> registry,
      KmeLimits limits,
      StationKeyStore store,
      KeyRelayer relayer,
      SecureRandom random) {
    this(stationId, registry, limits, store, relayer, random, AccessPolicy.ANY, null, Long.MAX_VALUE);
  }

  /**
   * @param policy which SAE pairs may share keys; a request for another pair gets 401 and
   *     consumes nothing
   * @param fairShare shares of scarce route key among the pairs asking at this KME, or null
   * @param maxUndeliveredPerSlave most keys waiting here for one slave SAE (keys made for a slave
   *     on this station; relayed keys are capped at their destination)
   */
  public Kme(
      String stationId,
      Collection<SaeEntry> registry,
      KmeLimits limits,
      StationKeyStore store,
      KeyRelayer relayer,
      SecureRandom random,
      AccessPolicy policy,
      FairShare fairShare,
      long maxUndeliveredPerSlave) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.fairShare = fairShare;
    if (maxUndeliveredPerSlave < 1) {
      throw new IllegalArgumentException("maxUndeliveredPerSlave must be at least 1: " + maxUndeliveredPerSlave);
    }
    this.maxUndeliveredPerSlave = maxUndeliveredPerSlave;
    this.stationId = Objects.requireNonNull(stationId, "stationId");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.store = Objects.requireNonNull(store, "store");
    this.relayer = Objects.requireNonNull(relayer, "relayer");
    this.random = Objects.requireNonNull(random, "random");
    Map<String, String> map = new HashMap<>();
    for (SaeEntry e : registry) {
      if (map.putIfAbsent(e.saeId(), e.stationId()) != null) {
        throw new IllegalArgumentException("SAE registry lists SAE " + e.saeId() + " twice");
      }
    }
    this.stationOfSae = Map.copyOf(map);
  }

  public String stationId() {
    return stationId;
  }

  /** Changes {@link #DELETE_TAKEN_AFTER_MILLIS} (tests). */
  public void deleteTakenAfter(java.time.Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    this.deleteTakenAfterMillis = delay.toMillis();
  }

  /**
   * For an orderly stop, before the HTTP server stops: refuses new fetches (503, reason STOPPING:
   * the keys wait at this station for its restart) and waits, at most {@code max}, until every
   * fetch in flight settled, i.e. its answer was sent and its delayed delete ran, or it was not
   * sent and its keys wait again. Stopping the server first would cut answers it already took,
   * whose keys would then be deleted unsent. Returns whether all settled in time.
   */
  public boolean quiesceFetches(java.time.Duration max) throws InterruptedException {
    stopping = true;
    long deadline = System.nanoTime() + max.toNanos();
    while (fetchesInFlight.get() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /**
   * Deletes now the keys of every answer the server took and whose delayed delete has not run:
   * for an orderly stop, after the HTTP server stopped and before the store closes, so that no
   * key a slave received comes back after the restart. Returns how many answers it settled.
   */
  public int settleTakenAnswers() {
    int n = 0;
    for (Fetch f : List.copyOf(takenNotSettled)) {
      if (f.answered(true)) {
        n++;
      }
    }
    return n;
  }

  /** Answers taken by the server whose keys are not deleted yet. */
  public int takenAnswersPending() {
    return takenNotSettled.size();
  }

  public KmeLimits limits() {
    return limits;
  }

  /** ETSI "Get status" of the key supply from {@code callerSae} (master) to {@code slaveSae}. */
  public CompletionStage<KeyStatus> status(String callerSae, String slaveSae) {
    try {
      requireLocalCaller(callerSae);
      String slaveStation = requireKnownPeer(slaveSae, "slave");
      requireAllowed(callerSae, slaveSae);
      long stored;
      if (slaveStation.equals(stationId)) {
        stored = limits.maxKeyCount(); // made on demand from the local random source
      } else {
        stored = Math.max(0, relayer.availableKeyBytes(callerSae, slaveSae, slaveStation))
            / (limits.defaultKeySize() / 8);
      }
      return CompletableFuture.completedFuture(
          new KeyStatus(
              stationId,
              slaveStation,
              callerSae,
              slaveSae,
              limits.defaultKeySize(),
              stored,
              // keys are made per request, so the capacity is whatever can be made right now
              Math.max(stored, limits.maxKeyCount()),
              limits.maxKeyCount(),
              limits.maxKeySize(),
              limits.minKeySize(),
              limits.maxSaeIdCount()));
    } catch (KmeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * ETSI "Get key": {@code number} new keys of {@code sizeBits} for the master {@code callerSae},
   * deliverable to {@code slaveSae}. All or nothing: either every key is stored for the slave and
   * returned, or the stage fails and no key exists.
   */
  public CompletionStage<List<IssuedKey>> encKeys(
      String callerSae,
      String slaveSae,
      int number,
      int sizeBits,
      List<String> additionalSlaveSaeIds,
      List<String> extensionMandatory) {
    try {
      requireLocalCaller(callerSae);
      String slaveStation = requireKnownPeer(slaveSae, "slave");
      if (slaveSae.equals(callerSae)) {
        throw KmeException.badRequest("the slave SAE must differ from the master SAE");
      }
      requireAllowed(callerSae, slaveSae);
      if (!extensionMandatory.isEmpty()) {
        throw KmeException.badRequest("unsupported mandatory extension");
      }
      if (number < 1 || number > limits.maxKeyCount()) {
        throw KmeException.badRequest(
            "number must be between 1 and " + limits.maxKeyCount() + ", was " + number);
      }
      if (sizeBits % 8 != 0) {
        throw KmeException.badRequest("size must be a multiple of 8 bits, was " + sizeBits);
      }
      if (sizeBits < limits.minKeySize() || sizeBits > limits.maxKeySize()) {
        throw KmeException.badRequest(
            "size must be between "
                + limits.minKeySize()
                + " and "
                + limits.maxKeySize()
                + " bits, was "
                + sizeBits);
      }
      if (additionalSlaveSaeIds.size() > limits.maxSaeIdCount()) {
        throw KmeException.badRequest(
            "at most " + limits.maxSaeIdCount() + " additional_slave_SAE_IDs are allowed");
      }
      if (!additionalSlaveSaeIds.isEmpty()) {
        // a relayed key is made from one route's pad, so it cannot reach a second station
        throw KmeException.badRequest("keys for additional slave SAEs are not supported");
      }
      List<String> keyIds = new ArrayList<>(number);
      for (int i = 0; i < number; i++) {
        keyIds.add(UUID.randomUUID().toString());
      }
      if (slaveStation.equals(stationId)) {
        if (store.deliverableCount(slaveSae) + number > maxUndeliveredPerSlave) {
          throw new KmeException(503, "too many keys are waiting for the slave SAE to fetch them",
              List.of("SLAVE_BACKLOG"));
        }
        return CompletableFuture.completedFuture(
            makeLocalKeys(callerSae, slaveSae, keyIds, sizeBits / 8));
      }
      if (fairShare != null) {
        long bytes = (long) number * (sizeBits / 8);
        long available = relayer.availableKeyBytes(callerSae, slaveSae, slaveStation);
        if (!fairShare.admit(callerSae + "\u0000" + slaveSae, bytes, available)) {
          throw new KmeException(503, "the route's key is scarce and this SAE pair has had more than its share;"
              + " retry later", List.of("FAIR_SHARE"));
        }
      }
      return relay(new RelayRequest(callerSae, slaveSae, slaveStation, keyIds, sizeBits / 8));
    } catch (KmeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * ETSI "Get key with key IDs": the keys that {@code masterSae} obtained for the slave {@code
   * callerSae}. Each key is returned once; all or nothing. The keys are deleted before this returns
   * (for callers in the same process; an answer sent over the network uses {@link #handOutKeys}).
   */
  public CompletionStage<List<IssuedKey>> decKeys(
      String callerSae, String masterSae, List<String> keyIds) {
    return handOutKeys(callerSae, masterSae, keyIds).thenApply(f -> {
      f.answered(true);
      return f.keys();
    });
  }

  /**
   * Keys handed out for an answer still to be sent: the caller sends them, then calls {@link
   * #answered} once (true: the answer went out, the keys are deleted; false: it was not sent, the
   * keys wait for the slave again). Until then no other fetch finds them; if the station dies
   * first, they wait again after the restart.
   */
  public final class Fetch {
    private static final int PENDING = 0;
    private static final int SENDING = 1;
    private static final int SETTLED = 2;
    private final List<IssuedKey> keys;
    private final List<String> keyIds;
    private final String slaveSae;
    private final java.util.concurrent.atomic.AtomicInteger state =
        new java.util.concurrent.atomic.AtomicInteger(PENDING);

    private Fetch(List<IssuedKey> keys, List<String> keyIds, String slaveSae) {
      this.keys = keys;
      this.keyIds = keyIds;
      this.slaveSae = slaveSae;
    }

    public List<IssuedKey> keys() {
      return keys;
    }

    /**
     * The answer is about to be written; false if it was already given up ({@link #giveUp}): then
     * it must not be sent, its keys wait for the slave again.
     */
    public boolean startSending() {
      return state.compareAndSet(PENDING, SENDING);
    }

    /**
     * Gives up an answer that was never started (e.g. the server never rendered it): the keys wait
     * for the slave again. Does nothing once sending started or the fetch was settled.
     */
    public void giveUp() {
      if (state.compareAndSet(PENDING, SETTLED)) {
        try {
          settle(false);
        } finally {
          fetchesInFlight.decrementAndGet();
        }
      }
    }

    /**
     * The first call counts; later ones do nothing (and return false). Never throws (a store
     * failure is logged).
     */
    public boolean answered(boolean sent) {
      if (state.getAndSet(SETTLED) != SETTLED) {
        takenNotSettled.remove(this);
        try {
          settle(sent);
        } finally {
          fetchesInFlight.decrementAndGet();
        }
        return true;
      }
      return false;
    }

    /**
     * The HTTP server took the whole answer to send it: its keys are deleted {@link
     * #DELETE_TAKEN_AFTER_MILLIS} later on {@code executor}, or at once by {@link
     * #settleTakenAnswers} (orderly stop), whichever comes first.
     */
    public void taken(java.util.concurrent.Executor executor) {
      takenNotSettled.add(this);
      if (state.get() == SETTLED) {
        takenNotSettled.remove(this);
        return;
      }
      try {
        CompletableFuture.delayedExecutor(deleteTakenAfterMillis, java.util.concurrent.TimeUnit.MILLISECONDS, executor)
            .execute(() -> answered(true));
      } catch (RuntimeException e) {
        // no executor to wait on: the bytes had their chance while this ran; delete now
        answered(true);
      }
    }

    private void settle(boolean sent) {
      try {
        if (sent) {
          store.fetchDelivered(keyIds);
        } else {
          store.fetchNotDelivered(keyIds);
          log.info("dec_keys answer to SAE {} not sent: its {} key(s) wait for it again", slaveSae, keyIds.size());
        }
      } catch (RuntimeException e) {
        // fail-closed store: the marks stay, so the keys wait again after the restart
        log.error("key store failed settling a dec_keys answer to SAE {}", slaveSae, e);
      }
    }

    public boolean settled() {
      return state.get() == SETTLED;
    }
  }

  /** As {@link #decKeys}, in two steps (see {@link Fetch}). */
  public CompletionStage<Fetch> handOutKeys(
      String callerSae, String masterSae, List<String> keyIds) {
    fetchesInFlight.incrementAndGet();
    boolean handedOut = false;
    try {
      if (stopping) {
        throw new KmeException(503, "the station is stopping; its keys wait for the slave SAE after its restart",
            List.of("STOPPING"));
      }
      requireLocalCaller(callerSae);
      if (keyIds.isEmpty() || keyIds.size() > limits.maxKeyCount()) {
        throw KmeException.badRequest(
            "between 1 and " + limits.maxKeyCount() + " key_IDs are required");
      }
      List<String> normalized = new ArrayList<>(keyIds.size());
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < keyIds.size(); i++) {
        String id = keyIds.get(i);
        // never echo the id: it is attacker-controlled text of any length
        if (id == null || !UUID_TEXT.matcher(id).matches()) {
          throw KmeException.badRequest("key_ID number " + (i + 1) + " is not a UUID");
        }
        String canonical = id.toLowerCase(Locale.ROOT);
        if (!seen.add(canonical)) {
          throw KmeException.badRequest("key_ID number " + (i + 1) + " is a duplicate");
        }
        normalized.add(canonical);
      }
      // an unknown master, or one this SAE may not share keys with, has no key here: the same
      // answer as an unknown key, so the registry and the policy cannot be probed through it
      if (masterSae == null || !stationOfSae.containsKey(masterSae) || !policy.allows(masterSae, callerSae)) {
        throw KmeException.badRequest(KEY_NOT_FOUND);
      }
      List<Optional<KeyMaterial>> taken;
      try {
        taken = store.handOutForSlave(normalized, callerSae, masterSae);
      } catch (RuntimeException e) {
        log.error("key store failed in dec_keys for SAE {}", callerSae, e);
        throw new KmeException(503, "key store unavailable", List.of("STORE_FAILED"));
      }
      if (taken.size() != normalized.size() || taken.stream().anyMatch(Optional::isEmpty)) {
        taken.forEach(k -> k.ifPresent(KeyMaterial::zeroize));
        throw KmeException.badRequest(KEY_NOT_FOUND);
      }
      List<IssuedKey> out = new ArrayList<>(normalized.size());
      for (int i = 0; i < normalized.size(); i++) {
        out.add(new IssuedKey(normalized.get(i), taken.get(i).orElseThrow()));
      }
      Fetch fetch = new Fetch(out, List.copyOf(normalized), callerSae);
      handedOut = true;
      return CompletableFuture.completedFuture(fetch);
    } catch (KmeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      if (!handedOut) {
        fetchesInFlight.decrementAndGet(); // a settled Fetch counts itself down
      }
    }
  }

  private List<IssuedKey> makeLocalKeys(
      String masterSae, String slaveSae, List<String> keyIds, int sizeBytes) {
    List<IssuedKey> forMaster = new ArrayList<>(keyIds.size());
    List<DeliverableKey> forSlave = new ArrayList<>(keyIds.size());
    for (String id : keyIds) {
      byte[] bytes = new byte[sizeBytes];
      random.nextBytes(bytes);
      KeyMaterial key = KeyMaterial.wrap(bytes);
      // separate copies: the store owns its key, the master's copy is zeroized after sending
      forMaster.add(new IssuedKey(id, key.slice(0, sizeBytes)));
      forSlave.add(new DeliverableKey(id, masterSae, slaveSae, key));
    }
    try {
      store.storeDeliverable(forSlave);
    } catch (RuntimeException e) {
      forMaster.forEach(k -> k.key().zeroize());
      log.error("key store failed in enc_keys for SAE {}", masterSae, e);
      throw new KmeException(503, "key store unavailable", List.of("STORE_FAILED"));
    } finally {
      // the store keeps its own encoded copy
      forSlave.forEach(k -> k.key().zeroize());
    }
    return forMaster;
  }

  private CompletionStage<List<IssuedKey>> relay(RelayRequest request) {
    CompletionStage<KeyRelayer.RelayedKeys> relayed;
    try {
      relayed = relayer.relayKeys(request);
    } catch (RuntimeException e) {
      relayed = CompletableFuture.failedFuture(e);
    }
    return relayed.handle(
        (keys, error) -> {
          if (error != null) {
            throw relayFailure(request, unwrap(error));
          }
          return toIssued(request, keys);
        });
  }

  private static List<IssuedKey> toIssued(RelayRequest request, KeyRelayer.RelayedKeys relayed) {
    List<KeyMaterial> keys = relayed == null ? null : relayed.keys();
    List<String> ids = relayed == null ? List.of() : relayed.keyIds();
    boolean wellFormed =
        keys != null
            && keys.size() == request.keyIds().size()
            && ids.size() == keys.size()
            && keys.stream().allMatch(k -> k != null && k.length() == request.keySizeBytes());
    if (!wellFormed) {
      if (keys != null) {
        keys.stream().filter(Objects::nonNull).forEach(KeyMaterial::zeroize);
      }
      log.error(
          "relay to {} returned keys that do not match the request; answering 503",
          request.destinationStation());
      throw new KmeException(503, "key relay failed", List.of("INTERNAL"));
    }
    List<IssuedKey> out = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      out.add(new IssuedKey(ids.get(i), keys.get(i)));
    }
    return out;
  }

  private static KmeException relayFailure(RelayRequest request, Throwable error) {
    if (error instanceof KmeException ke) {
      return ke;
    }
    if (!(error instanceof RelayFailedException rf)) {
      log.error("relay to {} failed unexpectedly", request.destinationStation(), error);
      return new KmeException(503, "key relay failed", List.of("INTERNAL"));
    }
    log.warn(
        "relay for {} to {} failed: {} ({})",
        request.masterSae(),
        request.destinationStation(),
        rf.reason(),
        rf.detail());
    String message =
        switch (rf.reason()) {
          case RelayFailedException.POOL_EXHAUSTED -> "not enough key material on the route";
          case RelayFailedException.NO_ROUTE -> "no route to the slave SAE's station";
          case RelayFailedException.TIMEOUT -> "key relay timed out";
          case RelayFailedException.REJECTED -> "key relay rejected by a station on the route";
          case "SLAVE_BACKLOG" -> "too many keys are waiting for the slave SAE to fetch them";
          case "NOT_ALLOWED" -> "the slave SAE's station does not allow keys for this SAE pair";
          default -> "key relay failed";
        };
    return new KmeException(503, message, List.of(rf.reason()));
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    for (int i = 0; i < 8 && cur instanceof CompletionException && cur.getCause() != null; i++) {
      cur = cur.getCause();
    }
    return cur;
  }

  private void requireLocalCaller(String callerSae) {
    if (callerSae == null || !stationId.equals(stationOfSae.get(callerSae))) {
      throw KmeException.unauthorized("SAE is not registered at this KME");
    }
  }

  private void requireAllowed(String masterSae, String slaveSae) {
    if (!policy.allows(masterSae, slaveSae)) {
      throw KmeException.unauthorized("the access policy does not allow keys between this SAE and the slave SAE");
    }
  }

  private String requireKnownPeer(String saeId, String role) {
    String station = saeId == null ? null : stationOfSae.get(saeId);
    if (station == null) {
      throw KmeException.badRequest("unknown " + role + " SAE");
    }
    return station;
  }
}
