package org.qkdnet.qnode.keystore;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.qkdnet.qnode.keystore.ReservationRecord.State;

/**
 * The durable key store of one station (DESIGN.md §6): the pad pools of its links, split into
 * directional streams, and the relayed keys waiting for slave SAEs, in one RocksDB.
 *
 * <p>Every state change is one atomic write batch, made before the call returns and before
 * memory changes: a failed write changes nothing. Frames, reservations, accepted ranges and
 * delivered keys are synced before the call returns, so a crash loses nothing acknowledged.
 * Settling a reservation (RESERVED → USED | BURNED) goes to the write-ahead log without its own
 * fsync: lost in a power cut, the reservation is still RESERVED at the next open and is burned.
 * Pad moves AVAILABLE → RESERVED → USED | BURNED and never back; on open, whatever was still
 * RESERVED (in doubt) is burned.
 *
 * <p>Thread-safe: one lock per link (both its streams grow together when a frame is appended),
 * another for delivered keys; {@link #close} waits for calls in progress.
 */
public final class StationKeyStore implements AutoCloseable {
  /** Runs above the receive watermark before the lowest are folded into it. */
  static final int DEFAULT_MAX_RUNS = 4096;

  private static final int MAX_RELAY_ID_LENGTH = 200;

  private final RocksStore rocks;
  private final String self;
  private final int maxRuns;
  private final DeliverableShelf shelf;
  private final ConcurrentHashMap<String, LinkPool> links = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private StationKeyStore(RocksStore rocks, String self, int maxRuns) {
    this.rocks = rocks;
    this.self = self;
    this.maxRuns = maxRuns;
    this.shelf = new DeliverableShelf(rocks);
  }

  /**
   * Opens (or creates) the store of station {@code selfStationId} in {@code dir}, burning every
   * reservation left in doubt by a crash.
   *
   * @throws IllegalArgumentException if {@code dir} holds another station's store
   */
  public static StationKeyStore open(Path dir, String selfStationId) {
    return open(dir, selfStationId, DEFAULT_MAX_RUNS);
  }

  static StationKeyStore open(Path dir, String selfStationId, int maxRuns) {
    Objects.requireNonNull(dir, "dir");
    StreamId.checkStationId(selfStationId, "self");
    if (maxRuns < 2) {
      throw new IllegalArgumentException("maxRuns must be at least 2: " + maxRuns);
    }
    RocksStore rocks = RocksStore.open(dir);
    try {
      StoreRecovery.checkIdentity(rocks, dir, selfStationId);
      StoreRecovery.burnInDoubt(rocks);
      return new StationKeyStore(rocks, selfStationId, maxRuns);
    } catch (RuntimeException e) {
      rocks.close();
      throw e;
    }
  }

  public String selfStationId() {
    return self;
  }

  /**
   * Appends a link's key frame, split so both ends agree without talking: the first
   * floor(len/2) bytes extend stream lo→hi, the rest hi→lo (lo, hi by {@link String#compareTo}).
   * The caller keeps ownership of {@code frame}.
   *
   * @return false if this frame id was already appended (an idempotent repeat)
   * @throws IllegalArgumentException if {@code frameId} leaves a gap or precedes the link's
   *     first frame
   */
  /** The id of the next frame this link expects: 0 for a new link, else the last one + 1. */
  public long nextFrameId(String peer) {
    return guarded(() -> link(peer).nextFrameId());
  }

  public boolean appendFrame(String peer, long frameId, KeyMaterial frame) {
    Objects.requireNonNull(frame, "frame");
    if (frameId < 0) {
      throw new IllegalArgumentException("negative frame id " + frameId);
    }
    if (frame.length() == 0) {
      throw new IllegalArgumentException("empty key frame " + frameId + " on link to " + peer);
    }
    return guarded(() -> link(peer).appendFrame(frameId, frame));
  }

  /**
   * Reserves {@code length} bytes of stream self→peer for relay {@code relayId}, durably, before
   * any byte encrypted with them may leave the process (write-ahead reservation).
   *
   * @throws PoolExhaustedException if fewer bytes are available; nothing changes then
   */
  public PadReservation reserve(String peer, int length, String relayId) {
    if (length <= 0) {
      throw new IllegalArgumentException("reservation length must be positive: " + length);
    }
    checkRelayId(relayId);
    return guarded(() -> link(peer).reserve(length, relayId));
  }

  /**
   * The pad of a reservation that is RESERVED or USED (a retried hop resends the identical
   * ciphertext). The caller owns the result and should zeroize it.
   *
   * @throws IllegalStateException if the reservation was burned
   */
  public KeyMaterial padBytes(PadReservation r) {
    return guarded(() -> ownLink(r).padBytes(r));
  }

  /** RESERVED → USED (not fsynced: see the class comment). Repeating it is a no-op; after a burn it is an error. */
  public void markUsed(PadReservation r) {
    guarded(() -> settle(r, State.USED));
  }

  /** RESERVED → BURNED (not fsynced: see the class comment). Repeating it is a no-op; after markUsed it is an error. */
  public void burn(PadReservation r) {
    guarded(() -> settle(r, State.BURNED));
  }

  private Void settle(PadReservation r, State target) {
    ownLink(r).settle(r, target);
    return null;
  }

  private LinkPool ownLink(PadReservation r) {
    Objects.requireNonNull(r, "reservation");
    if (!r.stream().from().equals(self)) {
      throw new IllegalArgumentException(
          "reservation on " + r.stream() + " is not on a stream sent by " + self);
    }
    return link(r.stream().to());
  }

  /**
   * Accepts pad {@code [offset, offset+length)} of stream peer→self for relay {@code relayId}:
   * only inside the generated part and overlapping nothing accepted or burned before (the
   * replay defence). Recorded USED, synced, before the bytes are returned; out-of-order ranges
   * are fine.
   *
   * @throws PadRangeRejectedException with the reason; nothing changes then
   */
  public KeyMaterial acceptIncoming(String peer, long offset, int length, String relayId) {
    checkRelayId(relayId);
    return guarded(() -> link(peer).acceptIncoming(offset, length));
  }

  /**
   * Re-marks an accepted range of stream peer→self BURNED (a hop's MAC failed). Repeating it is
   * a no-op.
   *
   * @throws IllegalArgumentException if part of the range was never accepted
   * @throws IllegalStateException if it was already folded below the low watermark
   */
  public void burnIncoming(String peer, long offset, int length) {
    if (offset < 0 || length <= 0 || offset > Long.MAX_VALUE - length) {
      throw new IllegalArgumentException("invalid range: offset " + offset + ", length " + length);
    }
    guarded(
        () -> {
          link(peer).burnIncoming(offset, length);
          return null;
        });
  }

  /** The accounting of a stream of one of this station's links: sender or receiver view. */
  public Ledger ledger(StreamId s) {
    Objects.requireNonNull(s, "stream");
    if (s.from().equals(self)) {
      return guarded(() -> link(s.to()).sendLedger());
    }
    if (s.to().equals(self)) {
      return guarded(() -> link(s.from()).recvLedger());
    }
    throw new IllegalArgumentException("stream " + s + " does not touch station " + self);
  }

  public long availableToSend(String peer) {
    return ledger(new StreamId(self, peer)).available();
  }

  /** Stores keys for their slave SAEs in one synced batch; a duplicate key id stores nothing. */
  public void storeDeliverable(List<DeliverableKey> keys) {
    List<DeliverableKey> copy = List.copyOf(keys);
    guarded(
        () -> {
          shelf.store(copy);
          return null;
        });
  }

  /**
   * The key {@code keyId} if {@code callerSae} is its slave and {@code masterSae} its master,
   * deleted durably (fetched once). Otherwise empty, whether unknown or not the caller's.
   */
  public Optional<KeyMaterial> takeForSlave(String keyId, String callerSae, String masterSae) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(callerSae, "callerSae");
    Objects.requireNonNull(masterSae, "masterSae");
    return guarded(() -> shelf.take(keyId, callerSae, masterSae));
  }

  /**
   * All keys, in the order asked, deleted in one batch; or an empty list, deleting nothing, if
   * any is unknown, not the caller's, or named twice.
   */
  public List<Optional<KeyMaterial>> takeAllForSlave(
      List<String> keyIds, String callerSae, String masterSae) {
    List<String> ids = List.copyOf(keyIds);
    Objects.requireNonNull(callerSae, "callerSae");
    Objects.requireNonNull(masterSae, "masterSae");
    return guarded(() -> shelf.takeAll(ids, callerSae, masterSae));
  }

  /** Keys waiting for {@code slaveSae} (ETSI 014 status: stored_key_count). */
  public long deliverableCount(String slaveSae) {
    return guarded(() -> shelf.count(slaveSae));
  }

  private LinkPool link(String peer) {
    StreamId.checkStationId(peer, "peer");
    if (peer.equals(self)) {
      throw new IllegalArgumentException("station " + self + " has no link to itself");
    }
    return links.computeIfAbsent(peer, p -> LinkPool.load(rocks, maxRuns, self, p));
  }

  private static void checkRelayId(String relayId) {
    Objects.requireNonNull(relayId, "relayId");
    if (relayId.isBlank() || relayId.length() > MAX_RELAY_ID_LENGTH) {
      throw new IllegalArgumentException(
          "relay id must be 1.." + MAX_RELAY_ID_LENGTH + " non-blank characters");
    }
  }

  /** Runs {@code op} while the store is open and healthy. */
  private <T> T guarded(Supplier<T> op) {
    Lock l = lifecycle.readLock();
    l.lock();
    try {
      if (closed) {
        throw new IllegalStateException("key store of station " + self + " is closed");
      }
      rocks.checkHealthy();
      return op.get();
    } finally {
      l.unlock();
    }
  }

  @Override
  public void close() {
    Lock l = lifecycle.writeLock();
    l.lock();
    try {
      if (!closed) {
        closed = true;
        rocks.close();
      }
    } finally {
      l.unlock();
    }
  }
}
