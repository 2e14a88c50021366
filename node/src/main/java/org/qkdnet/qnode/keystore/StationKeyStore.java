package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.KeyEncryptionKey;
import org.qkdnet.qnode.crypto.KeyMaterial;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.qkdnet.qnode.keystore.ReservationRecord.State;
import org.rocksdb.RocksDBException;

/**
 * The durable key store of one station (DESIGN.md §6): the pad pools of its links, split into
 * directional streams, and the relayed keys waiting for slave SAEs, in one RocksDB.
 *
 * <p>Every state change is one atomic write batch, written before memory changes: a failed
 * write changes nothing (and fails the store closed). Frames, reservations, accepted ranges and
 * delivered keys are synced before the call returns, so a crash loses nothing acknowledged.
 * Settling a reservation (RESERVED → USED | BURNED) goes to the write-ahead log without its own
 * fsync: lost in a power cut, the reservation is still RESERVED at the next open and is burned.
 * Pad moves AVAILABLE → RESERVED → USED | BURNED and never back; on open, whatever was still
 * RESERVED (in doubt) is burned.
 *
 * <p>Group commit: a batch is written in WAL order under its link's lock but synced after the
 * lock is released ({@link RocksStore#sync}: one WAL fsync covers every write made before it),
 * so concurrent calls share fsyncs instead of queueing behind each other's. A
 * call returns (and hands out pad or keys) only after its sync. Until then another call may
 * already see the change (a range in flight is not accepted twice); if the sync fails, the store
 * refuses all further calls, so an allocated but unsynced range is never handed out or reused.
 * The relay path needs one sync per station and hop: {@link #reserve} at the origin,
 * {@link #acceptAndReserve} at a transit station, {@link #acceptAndStoreDeliverable} at the
 * destination.
 *
 * <p>Thread-safe: one lock per link (both its streams grow together when a frame is appended),
 * another for delivered keys (taken after a link's lock, never before); calls touching two links
 * lock them in peer-id order; {@link #close} waits for calls in progress.
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

  private final java.util.function.LongSupplier millis;

  private StationKeyStore(RocksStore rocks, String self, int maxRuns, java.util.function.LongSupplier millis) {
    this.rocks = rocks;
    this.self = self;
    this.maxRuns = maxRuns;
    this.millis = millis;
    this.shelf = new DeliverableShelf(rocks, millis);
  }

  /**
   * Opens (or creates) the store of station {@code selfStationId} in {@code dir}, burning every
   * reservation left in doubt by a crash.
   *
   * @param kek the station's key-encryption key: it wraps the store's data key, under which every
   *     pad and key byte is stored encrypted (the caller keeps and closes it)
   * @throws IllegalArgumentException if {@code dir} holds another station's store, or {@code kek}
   *     does not open its data key
   */
  public static StationKeyStore open(Path dir, String selfStationId, KeyEncryptionKey kek) {
    return open(dir, selfStationId, kek, DEFAULT_MAX_RUNS);
  }

  /** As {@link #open(Path, String, KeyEncryptionKey)}, with the wall clock that stamps delivered keys for expiry. */
  public static StationKeyStore open(Path dir, String selfStationId, KeyEncryptionKey kek,
      java.util.function.LongSupplier millis) {
    return open(dir, selfStationId, kek, DEFAULT_MAX_RUNS, millis);
  }

  static StationKeyStore open(Path dir, String selfStationId, KeyEncryptionKey kek, int maxRuns) {
    return open(dir, selfStationId, kek, maxRuns, System::currentTimeMillis);
  }

  /** As above, with the wall clock that stamps delivered keys for their expiry (tests). */
  static StationKeyStore open(Path dir, String selfStationId, KeyEncryptionKey kek, int maxRuns,
      java.util.function.LongSupplier millis) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(kek, "kek");
    StreamId.checkStationId(selfStationId, "self");
    if (maxRuns < 2) {
      throw new IllegalArgumentException("maxRuns must be at least 2: " + maxRuns);
    }
    RocksStore rocks = RocksStore.open(dir);
    try {
      StoreRecovery.checkIdentity(rocks, dir, selfStationId, kek);
      StoreRecovery.burnInDoubt(rocks);
      return new StationKeyStore(rocks, selfStationId, maxRuns, millis);
    } catch (RuntimeException e) {
      rocks.close();
      throw e;
    }
  }

  /** Tests of durability only: see {@link CrashJournal#start}. */
  CrashJournal startCrashJournal(Path checkpointDir) {
    return guarded(() -> rocks.startCrashJournal(checkpointDir));
  }

  public String selfStationId() {
    return self;
  }

  /** The id of the next frame this link expects: 0 for a new link, else the last one + 1. */
  public long nextFrameId(String peer) {
    return guarded(() -> link(peer).nextFrameId());
  }

  /**
   * Appends a link's key frame to the link's unassigned key (docs/key-supply.md: no direction
   * owns it until an assignment entry gives it to one). The caller keeps ownership of {@code
   * frame}.
   *
   * @return false if this frame id was already appended (an idempotent repeat)
   * @throws IllegalArgumentException if {@code frameId} leaves a gap or precedes the link's
   *     first frame
   */
  public boolean appendFrame(String peer, long frameId, KeyMaterial frame) {
    Objects.requireNonNull(frame, "frame");
    if (frameId < 0) {
      throw new IllegalArgumentException("negative frame id " + frameId);
    }
    if (frame.length() == 0) {
      throw new IllegalArgumentException("empty key frame " + frameId + " on link to " + peer);
    }
    return guarded(() -> synced(link(peer).appendFrame(frameId, frame), b -> { }));
  }

  /**
   * Phase one of a link's two-phase frame commit: stores {@code frame} durably as staged (not
   * yet in the pool) under {@code poolFrameId}. Repeating it with identical content is a no-op.
   * The caller keeps ownership of {@code frame}.
   *
   * @throws IllegalStateException if other content is staged under that id, or the id is
   *     already in the pool; nothing changes then
   */
  public void stagePending(String peer, long poolFrameId, KeyMaterial frame) {
    Objects.requireNonNull(frame, "frame");
    checkFrame(peer, poolFrameId, frame);
    guarded(() -> synced(link(peer).stagePending(poolFrameId, frame), b -> { }));
  }

  /** The frame staged under {@code poolFrameId}, if any; the caller owns (and zeroizes) it. */
  public Optional<KeyMaterial> pending(String peer, long poolFrameId) {
    return guarded(() -> Optional.ofNullable(link(peer).pending(poolFrameId)));
  }

  /**
   * Phase two: appends the staged frame to the pool and deletes the staged copy, in one synced
   * batch (as {@link #appendFrame}).
   *
   * @return false if the frame is already in the pool (a repeat; any staged copy left is deleted)
   * @throws IllegalStateException if nothing is staged under that id and it is not in the pool
   * @throws IllegalArgumentException if the id leaves a gap in the pool
   */
  public boolean commitPending(String peer, long poolFrameId) {
    return guarded(() -> synced(link(peer).commitPending(poolFrameId), b -> { }));
  }

  /** Deletes the frame staged under {@code poolFrameId}, durably; a no-op if none is. */
  public void discardPending(String peer, long poolFrameId) {
    guarded(() -> synced(link(peer).discardPending(poolFrameId), b -> { }));
  }

  /** The ids of the frames staged on the link to {@code peer}, ascending. */
  public List<Long> pendingIds(String peer) {
    return guarded(() -> List.copyOf(link(peer).pendingIds()));
  }

  private static void checkFrame(String peer, long frameId, KeyMaterial frame) {
    if (frameId < 0) {
      throw new IllegalArgumentException("negative frame id " + frameId);
    }
    if (frame.length() == 0) {
      throw new IllegalArgumentException("empty key frame " + frameId + " on link to " + peer);
    }
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
    return guarded(
        () -> {
          PadReservation r = synced(link(peer).reserve(length, relayId), x -> { });
          CrashPoints.hit("keystore.afterReserveSync");
          return r;
        });
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
    return guarded(() -> synced(link(peer).acceptIncoming(offset, length), KeyMaterial::zeroize));
  }

  /**
   * A transit station's step, one synced batch: accepts pad {@code [offset, offset+length)} of
   * stream peer→self (as {@link #acceptIncoming}) and reserves {@code outLength} bytes of stream
   * self→next (as {@link #reserve}). {@code check} (the hop's MAC) runs on the incoming pad
   * before anything is written, with both links locked, so it must be quick; it must neither keep
   * nor clear the pad. Nothing derived from the pad may leave the process before this returns.
   *
   * @return the pads and the reservation; empty if {@code check} failed, in which case the
   *     incoming range is recorded BURNED and nothing is reserved
   * @throws PadRangeRejectedException if the incoming range is refused; nothing changes then
   * @throws PoolExhaustedException if stream self→next has fewer than {@code outLength} bytes;
   *     the incoming range is recorded BURNED (it arrived, so it can never be accepted again)
   *     and nothing is reserved
   */
  public Optional<ForwardPads> acceptAndReserve(String peer, long offset, int length,
      String relayId, String next, int outLength, Predicate<KeyMaterial> check) {
    checkRelayId(relayId);
    Objects.requireNonNull(check, "check");
    if (outLength <= 0) {
      throw new IllegalArgumentException("reservation length must be positive: " + outLength);
    }
    if (Objects.equals(peer, next)) {
      throw new IllegalArgumentException("a relay cannot be forwarded back to " + peer);
    }
    return guarded(() -> transit(link(peer), offset, length, relayId, link(next), outLength, check));
  }

  private Optional<ForwardPads> transit(LinkPool in, long offset, int length, String relayId,
      LinkPool out, int outLength, Predicate<KeyMaterial> check) {
    KeyMaterial pad = null;
    ForwardPads result = null;
    PoolExhaustedException exhausted = null;
    LinkPool.lockBoth(in, out);
    try {
      in.checkAcceptable(offset, length);
      pad = KeyMaterial.wrap(in.readRecvLocked(offset, length));
      if (!check.test(pad)) {
        in.commitRuns(in.planRuns(offset, length, RunSet.Mark.BURNED));
      } else {
        LinkPool.ReservePlan reserve = null;
        try {
          reserve = out.planReserve(outLength, relayId);
        } catch (PoolExhaustedException e) {
          exhausted = e;
          in.commitRuns(in.planRuns(offset, length, RunSet.Mark.BURNED));
        }
        if (reserve != null) {
          LinkPool.RunPlan accept = in.planRuns(offset, length, RunSet.Mark.USED);
          KeyMaterial outPad = KeyMaterial.wrap(out.readSendLocked(reserve.reservation()));
          try (StoreBatch batch = rocks.batch()) {
            in.putRuns(batch, accept);
            out.putReserve(batch, reserve);
            rocks.writeUnsynced(batch);
          } catch (RocksDBException e) {
            outPad.zeroize();
            throw new KeyStoreFailedException("cannot build transit batch: " + e.getMessage(), e);
          } catch (RuntimeException e) {
            outPad.zeroize();
            throw e;
          }
          in.applyRuns(accept);
          out.applyReserve(reserve);
          result = new ForwardPads(pad, reserve.reservation(), outPad);
          in.foldIfDueLocked();
        }
      }
    } catch (RuntimeException e) {
      if (result != null) {
        result.close();
      } else if (pad != null) {
        pad.zeroize();
      }
      throw e;
    } finally {
      out.unlock();
      in.unlock();
    }
    if (result == null) {
      pad.zeroize();
    }
    synced(result, r -> {
      if (r != null) {
        r.close();
      }
    });
    if (exhausted != null) {
      throw exhausted;
    }
    if (result != null) {
      CrashPoints.hit("keystore.afterTransitSync");
    }
    return Optional.ofNullable(result);
  }

  /**
   * The destination's step, one synced batch: accepts pad {@code [offset, offset+length)} of
   * stream peer→self (as {@link #acceptIncoming}) and stores the keys {@code keysFromPad} makes
   * of it (as {@link #storeDeliverable}). {@code keysFromPad} (MAC check, decryption) runs with
   * the link locked, so it must be quick; it must neither keep nor clear the pad, and the store
   * owns (and clears) the keys it returns.
   *
   * @return true if stored; false if {@code keysFromPad} returned no keys (refused), in which
   *     case the incoming range is recorded BURNED and nothing is stored
   * @throws PadRangeRejectedException if the incoming range is refused; nothing changes then
   * @throws IllegalArgumentException if a key id is duplicate or already stored; the incoming
   *     range is recorded BURNED and nothing is stored
   */
  public boolean acceptAndStoreDeliverable(String peer, long offset, int length, String relayId,
      Function<KeyMaterial, List<DeliverableKey>> keysFromPad) {
    checkRelayId(relayId);
    Objects.requireNonNull(keysFromPad, "keysFromPad");
    return guarded(() -> destination(link(peer), offset, length, keysFromPad));
  }

  private boolean destination(LinkPool in, long offset, int length,
      Function<KeyMaterial, List<DeliverableKey>> keysFromPad) {
    boolean stored = false;
    IllegalArgumentException refused = null;
    List<DeliverableKey> keys = List.of();
    in.lock();
    try {
      in.checkAcceptable(offset, length);
      try (KeyMaterial pad = KeyMaterial.wrap(in.readRecvLocked(offset, length))) {
        keys = List.copyOf(keysFromPad.apply(pad));
      }
      shelf.lock();
      try {
        if (!keys.isEmpty()) {
          try {
            shelf.checkNewLocked(keys);
          } catch (IllegalArgumentException e) {
            refused = e;
          }
        }
        if (keys.isEmpty() || refused != null) {
          in.commitRuns(in.planRuns(offset, length, RunSet.Mark.BURNED));
        } else {
          LinkPool.RunPlan accept = in.planRuns(offset, length, RunSet.Mark.USED);
          try (StoreBatch batch = rocks.batch()) {
            in.putRuns(batch, accept);
            shelf.put(batch, keys);
            rocks.writeUnsynced(batch);
          } catch (RocksDBException e) {
            throw new KeyStoreFailedException(
                "cannot build destination batch: " + e.getMessage(), e);
          }
          in.applyRuns(accept);
          shelf.applyStored(keys);
          stored = true;
        }
      } finally {
        shelf.unlock();
      }
      in.foldIfDueLocked();
    } finally {
      in.unlock();
      keys.forEach(k -> k.key().zeroize());
    }
    rocks.sync();
    if (refused != null) {
      throw new IllegalArgumentException(refused.getMessage() + "; incoming pad burned", refused);
    }
    return stored;
  }

  /**
   * The destination's step for one share of a multipath key (DESIGN.md section 7), one synced
   * batch: accepts pad {@code [offset, offset+length)} of stream peer→self and either holds the
   * share {@code shareFromPad} makes of it (until the group's other shares arrive, at most {@code
   * holdMillis}) or, if it completes the group, stores the XOR of all shares as the keys of
   * {@code header} for the slave SAE and deletes the held shares. Only here do the shares meet:
   * no relay station sees more than one. {@code shareFromPad} (MAC check, decryption) runs with
   * the link locked; it returns null to refuse, must not keep the pad, and hands the share to the
   * store (which clears it). Held shares whose time passed are deleted on the way.
   *
   * @throws PadRangeRejectedException if the incoming range is refused; nothing changes then
   */
  public ShareOutcome acceptShare(String peer, long offset, int length, String relayId, ShareHeader header,
      int shareIndex, long nowMillis, long holdMillis, Function<KeyMaterial, KeyMaterial> shareFromPad) {
    checkRelayId(relayId);
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(shareFromPad, "shareFromPad");
    if (shareIndex < 1 || shareIndex > header.shareCount()) {
      throw new IllegalArgumentException("share index " + shareIndex + " outside 1.." + header.shareCount());
    }
    return guarded(() -> destinationShare(link(peer), offset, length, header, shareIndex, nowMillis, holdMillis,
        shareFromPad));
  }

  private ShareOutcome destinationShare(LinkPool in, long offset, int length, ShareHeader header, int index,
      long nowMillis, long holdMillis, Function<KeyMaterial, KeyMaterial> shareFromPad) {
    ShareOutcome outcome;
    List<DeliverableKey> keys = List.of();
    in.lock();
    try {
      in.checkAcceptable(offset, length);
      KeyMaterial share;
      try (KeyMaterial pad = KeyMaterial.wrap(in.readRecvLocked(offset, length))) {
        share = shareFromPad.apply(pad);
      }
      shelf.lock();
      try (StoreBatch batch = rocks.batch()) {
        HeldShares held = HeldShares.load(rocks, header, index, nowMillis);
        held.purgeExpired(batch);
        String refusal = share == null ? "refused by the hop check" : held.problemWith(share.length());
        if (refusal == null && held.completes()) {
          try (KeyMaterial combined = held.combineWith(share)) {
            keys = HeldShares.split(header, combined);
          }
          try {
            shelf.checkNewLocked(keys);
          } catch (IllegalArgumentException e) {
            refusal = e.getMessage();
          }
        }
        if (refusal != null) {
          LinkPool.RunPlan burn = in.planRuns(offset, length, RunSet.Mark.BURNED);
          in.putRuns(batch, burn);
          rocks.writeUnsynced(batch);
          in.applyRuns(burn);
          outcome = new ShareOutcome(ShareOutcome.Result.REFUSED, refusal);
        } else {
          LinkPool.RunPlan accept = in.planRuns(offset, length, RunSet.Mark.USED);
          in.putRuns(batch, accept);
          if (held.completes()) {
            held.deleteAll(batch);
            shelf.put(batch, keys);
          } else {
            HeldShares.put(batch, header, index, nowMillis + holdMillis, share);
          }
          rocks.writeUnsynced(batch);
          in.applyRuns(accept);
          if (held.completes()) {
            shelf.applyStored(keys);
            outcome = new ShareOutcome(ShareOutcome.Result.COMBINED, "");
          } else {
            outcome = new ShareOutcome(ShareOutcome.Result.HELD, "");
          }
        }
        held.clear();
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build share batch: " + e.getMessage(), e);
      } finally {
        shelf.unlock();
        if (share != null) {
          share.zeroize();
        }
      }
      in.foldIfDueLocked();
    } finally {
      in.unlock();
      keys.forEach(k -> k.key().zeroize());
    }
    rocks.sync();
    return outcome;
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
          return synced(null, x -> { });
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

  /**
   * Bytes this end holds for the link to {@code peer} and has not consumed: both directions'
   * available pad, key not yet assigned to a direction, and (at the assigner) bytes assigned
   * toward the peer awaiting its confirmation. This is what the pool cap bounds.
   */
  public long storedBytes(String peer) {
    LinkSupply s = supply(peer);
    return availableToSend(peer) + ledger(new StreamId(peer, self)).available() + s.unassigned() + s.pendingSend();
  }

  /** The key supply of the link to {@code peer}: link bytes, unassigned key, assignment cursors. */
  public LinkSupply supply(String peer) {
    return guarded(() -> link(peer).supplyView());
  }

  /**
   * Assigner (the lower id of the link) only: assigns up to {@code wanted} bytes of the link's
   * unassigned key, below {@code peerLinkBytes}, to the direction toward {@code toStation}, as one
   * new entry, synced before it returns. Bytes toward the peer become reservable only after
   * {@link #confirmAssignments}; bytes toward this station are receivable at once.
   *
   * @return the new entry; empty if no unassigned key both ends hold is left
   */
  public Optional<AssignmentEntry> assign(String peer, String toStation, int wanted, long peerLinkBytes) {
    Objects.requireNonNull(toStation, "toStation");
    return guarded(() -> {
      AssignmentEntry e = link(peer).assign(toStation, wanted, peerLinkBytes);
      if (e == null) {
        return Optional.<AssignmentEntry>empty();
      }
      synced(e, x -> { });
      CrashPoints.hit("keystore.afterAssignSync");
      return Optional.of(e);
    });
  }

  /** Assigner: the link's entries from sequence number {@code fromSeq} on, at most {@code max}. */
  public List<AssignmentEntry> assignmentsFrom(String peer, long fromSeq, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be positive: " + max);
    }
    return guarded(() -> link(peer).entriesFrom(fromSeq, max));
  }

  /**
   * Assigner: the peer reported it applied every entry below {@code peerNextSeq}; bytes assigned
   * toward it up to there become reservable (not synced on its own: a reservation's sync covers
   * it, and if lost the entries are simply confirmed again).
   *
   * @throws AssignmentConflictException if the peer claims entries that do not exist
   */
  public void confirmAssignments(String peer, long peerNextSeq) {
    guarded(() -> {
      link(peer).confirm(peerNextSeq);
      return null;
    });
  }

  /**
   * The non-assigning end: applies entries received from the assigner, in order, in one synced
   * batch (before it returns, so it may acknowledge them).
   *
   * @throws AssignmentConflictException if an entry contradicts this end's records; nothing
   *     is applied then
   */
  public ApplyResult applyAssignments(String peer, List<AssignmentEntry> entries) {
    List<AssignmentEntry> copy = List.copyOf(entries);
    return guarded(() -> {
      ApplyResult r = link(peer).apply(copy);
      if (r.applied() > 0) {
        synced(r, x -> { });
        CrashPoints.hit("keystore.afterApplySync");
      }
      return r;
    });
  }

  /** Stores keys for their slave SAEs in one synced batch; a duplicate key id stores nothing. */
  public void storeDeliverable(List<DeliverableKey> keys) {
    List<DeliverableKey> copy = List.copyOf(keys);
    guarded(
        () -> {
          shelf.store(copy);
          return synced(null, x -> { });
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
    return guarded(
        () -> {
          Optional<KeyMaterial> k = shelf.take(keyId, callerSae, masterSae);
          // Nothing found: nothing was written, nothing to wait for.
          return k.isEmpty() ? k : synced(k, x -> x.ifPresent(KeyMaterial::zeroize));
        });
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
    return guarded(
        () -> {
          List<Optional<KeyMaterial>> keys = shelf.takeAll(ids, callerSae, masterSae);
          return keys.isEmpty()
              ? keys
              : synced(keys, ks -> ks.forEach(k -> k.ifPresent(KeyMaterial::zeroize)));
        });
  }

  /**
   * Step one of a fetch answered over the network: the keys, in the order asked, marked as handed
   * out (no other fetch finds them) but not deleted; or an empty list, changing nothing, if any is
   * unknown, being answered, not the caller's, or named twice. The caller answers, then says
   * {@link #fetchDelivered} or {@link #fetchNotDelivered}; if the station dies first, the keys wait
   * again after the restart. The mark is not synced (the next sync of any writer makes it durable):
   * a restart that finds it returns the keys to their slave, and one after a power cut that lost
   * it finds them waiting for their slave all the same, so a sync here would change no outcome
   * and cost every dec_keys answer a wait for the disk.
   */
  public List<Optional<KeyMaterial>> handOutForSlave(
      List<String> keyIds, String callerSae, String masterSae) {
    List<String> ids = List.copyOf(keyIds);
    Objects.requireNonNull(callerSae, "callerSae");
    Objects.requireNonNull(masterSae, "masterSae");
    return guarded(
        () -> {
          List<Optional<KeyMaterial>> keys = shelf.handOut(ids, callerSae, masterSae);
          if (!keys.isEmpty()) {
            CrashPoints.hit("keystore.afterHandOut");
          }
          return keys;
        });
  }

  /** Step two: the answer with these handed-out keys went out; they are deleted durably. */
  public void fetchDelivered(List<String> keyIds) {
    List<String> ids = List.copyOf(keyIds);
    guarded(
        () -> {
          shelf.delivered(ids);
          return synced(null, x -> { });
        });
  }

  /** Step two: the answer was not sent (connection gone, error); the keys wait for the slave again. */
  public void fetchNotDelivered(List<String> keyIds) {
    List<String> ids = List.copyOf(keyIds);
    guarded(
        () -> {
          shelf.notDelivered(ids);
          return synced(null, x -> { });
        });
  }

  /**
   * How many keys handed out in answers that a crash or stop cut off were found at open and wait
   * for their slave again.
   */
  public int fetchesReturnedAtOpen() {
    return shelf.returnedAtOpen();
  }

  /** Every key waiting for a slave SAE: ids and SAEs only, never key bytes (audits, chaos checks). */
  public List<DeliverableInfo> deliverables() {
    return guarded(shelf::list);
  }

  /**
   * The pad ranges of the link to {@code peer}: every reservation of the sending stream and the
   * receiving stream's consumed runs (offsets only), so that an audit can check both ends of a
   * link against each other.
   */
  public LinkRanges linkRanges(String peer) {
    return guarded(() -> link(peer).ranges());
  }

  /** Keys waiting for {@code slaveSae} (ETSI 014 status: stored_key_count). */
  public long deliverableCount(String slaveSae) {
    return guarded(() -> shelf.count(slaveSae));
  }

  /**
   * Burns (deletes) every delivered key that waited longer than {@code ttl} for its slave SAE,
   * by this station's clock, and returns how many per slave SAE.
   */
  public java.util.Map<String, Integer> expireDeliverables(java.time.Duration ttl) {
    return guarded(() -> shelf.expire(millis.getAsLong() - ttl.toMillis()));
  }

  /** Chunk records of stream {@code s} still stored (tests: consumed pad is deleted). */
  int storedChunks(StreamId s) {
    return guarded(() -> link(s.from().equals(self) ? s.to() : s.from()).chunkCount(s));
  }

  /** Runs a full compaction now (tests; a station compacts in the background and at close). */
  void compactNow() {
    guarded(() -> {
      rocks.compactNow();
      return null;
    });
  }

  private LinkPool link(String peer) {
    StreamId.checkStationId(peer, "peer");
    if (peer.equals(self)) {
      throw new IllegalArgumentException("station " + self + " has no link to itself");
    }
    return links.computeIfAbsent(peer, p -> {
      LinkPool pool = LinkPool.load(rocks, maxRuns, self, p);
      byte[] q = rocks.get(StoreKeys.quarantine(p));
      if (q != null) {
        pool.block(QUARANTINED + new String(q, java.nio.charset.StandardCharsets.UTF_8));
      } else if (rocks.get(StoreKeys.adminFlag(linkDownFlag(p))) != null) {
        pool.block(ADMIN_DOWN);
      } else if (auditsRequired) {
        pool.block(notAudited(p));
      }
      return pool;
    });
  }

  // ---- audits between the two ends of a link (issue 10 item 2) ---------------------------------

  private static final String QUARANTINED = "quarantined: ";
  private volatile boolean auditsRequired;

  private static final String NOT_AUDITED = "not yet audited";
  private static final String ADMIN_DOWN = "down by an operator";

  private static String notAudited(String peer) {
    return NOT_AUDITED + " with " + peer + " since this store opened";
  }

  private static String linkDownFlag(String peer) {
    return "link-down:" + peer;
  }

  /** True while an operator has taken the link to {@code peer} down (durable). */
  public boolean isLinkAdminDown(String peer) {
    StreamId.checkStationId(peer, "peer");
    return adminFlag(linkDownFlag(peer));
  }

  /**
   * Takes the link to {@code peer} down or up for an operator, durably: while down it hands out and
   * accepts no pad (relays on it are refused); a quarantine takes precedence. Up: the link serves
   * again once audited as usual.
   */
  public void setLinkAdminDown(String peer, boolean down) {
    StreamId.checkStationId(peer, "peer");
    setAdminFlag(linkDownFlag(peer), down);
    guarded(() -> {
      LinkPool pool = link(peer);
      String b = pool.blocked();
      if (b != null && b.startsWith(QUARANTINED)) {
        return null;
      }
      if (down) {
        pool.block(ADMIN_DOWN);
      } else if (ADMIN_DOWN.equals(b)) {
        if (auditsRequired) {
          pool.block(notAudited(peer));
        } else {
          pool.unblock();
        }
      }
      return null;
    });
  }

  /**
   * From now on a link hands out and accepts pad only after an audit with its peer found both
   * ends' histories consistent ({@link #completeAudit}); links already loaded are blocked until
   * then. A station calls this once at start; stores used on their own (tools, tests) need not.
   */
  public void requireLinkAudits() {
    auditsRequired = true;
    links.forEach((peer, pool) -> {
      if (pool.blocked() == null) {
        pool.block(notAudited(peer));
      }
    });
  }

  /** This end's account of the link to {@code peer}, to send to the peer. */
  public LinkAudit linkAudit(String peer) {
    return guarded(() -> link(peer).audit(epochOf(peer)));
  }

  private LinkEpoch epochOf(String peer) {
    return LinkEpoch.decode(rocks.get(StoreKeys.epoch(peer)));
  }

  /**
   * Completes an audit: {@code before} is this end's account sent to the peer, {@code theirs} the
   * peer's answer. If both histories fit, the link's epoch is settled (created by the lower id,
   * adopted by the higher) and the link is unblocked; otherwise it is quarantined for good: no
   * relay, no key, its unused pool burned, an alarm logged by the caller.
   *
   * @return the problem found, or empty
   */
  public java.util.Optional<String> completeAudit(String peer, LinkAudit before, LinkAudit theirs) {
    return guarded(() -> {
      LinkPool pool = link(peer);
      String blocked = pool.blocked();
      if (blocked != null && blocked.startsWith(QUARANTINED)) {
        return java.util.Optional.of(blocked);
      }
      LinkAudit after = pool.audit(epochOf(peer));
      java.util.Optional<String> problem = LinkAudit.problem(before, after, theirs);
      if (problem.isPresent()) {
        quarantine(peer, problem.get());
        return problem;
      }
      long epoch = after.epoch();
      if (epoch == 0 && (theirs.epoch() != 0 || self.compareTo(peer) < 0)) {
        epoch = theirs.epoch() != 0 ? theirs.epoch() : newEpochId();
        try (StoreBatch batch = rocks.batch()) {
          batch.put(StoreKeys.epoch(peer), new LinkEpoch(epoch, 0, 0).encode());
          rocks.write(batch);
        } catch (org.rocksdb.RocksDBException e) {
          throw new KeyStoreFailedException("cannot record the link epoch: " + e.getMessage(), e);
        }
      }
      String now = pool.blocked();
      if ((epoch != 0 || theirs.epoch() == 0) && (now == null || now.startsWith(NOT_AUDITED))) {
        pool.unblock(); // an operator's link-down stays until link-up
      }
      return java.util.Optional.empty();
    });
  }

  /** A fresh random epoch id (never 0). */
  public static long newEpochId() {
    long e = 0;
    java.security.SecureRandom r = new java.security.SecureRandom();
    while (e == 0) {
      e = r.nextLong();
    }
    return e;
  }

  /**
   * Quarantines the link to {@code peer} durably (it stays so across restarts): no pad handed out
   * or accepted, no frames appended, and every byte of its pool not yet consumed burned.
   */
  public void quarantine(String peer, String why) {
    guarded(() -> {
      LinkPool pool = link(peer);
      String reason = why.length() > 500 ? why.substring(0, 500) : why;
      pool.block(QUARANTINED + reason);
      try (StoreBatch batch = rocks.batch()) {
        batch.put(StoreKeys.quarantine(peer), reason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        rocks.writeUnsynced(batch);
      } catch (org.rocksdb.RocksDBException e) {
        throw new KeyStoreFailedException("cannot record the quarantine: " + e.getMessage(), e);
      }
      pool.burnStalePool();
      rocks.sync();
      return null;
    });
  }

  /** An operator's durable setting of this station (e.g. "drained"); false if never set. */
  public boolean adminFlag(String name) {
    checkAdminFlagName(name);
    return guarded(() -> rocks.get(StoreKeys.adminFlag(name)) != null);
  }

  /** Sets or clears an operator's setting durably (synced before it returns). */
  public void setAdminFlag(String name, boolean on) {
    checkAdminFlagName(name);
    guarded(() -> {
      try (StoreBatch batch = rocks.batch()) {
        if (on) {
          batch.put(StoreKeys.adminFlag(name), new byte[] {1});
        } else {
          batch.delete(StoreKeys.adminFlag(name));
        }
        rocks.writeUnsynced(batch);
      } catch (org.rocksdb.RocksDBException e) {
        throw new KeyStoreFailedException("cannot record the operator's setting " + name + ": " + e.getMessage(), e);
      }
      rocks.sync();
      return null;
    });
  }

  private static void checkAdminFlagName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9:_-]{1,80}")) {
      throw new IllegalArgumentException("admin flag names are 1..80 of [A-Za-z0-9:_-], got " + name);
    }
  }

  /** How far this end of the link to {@code peer} has come (counters only), for a re-key. */
  public LinkPosition linkPosition(String peer) {
    return guarded(() -> link(peer).position());
  }

  /**
   * Re-keys the link to {@code peer} (see {@code LinkRekey} in link.proto): quarantines it first if
   * it was not (reason {@code why}; its unused pool burned), then restarts this end durably at
   * {@code agreed} under {@code epoch}. The link stays blocked until an audit of the new epoch
   * passed (when audits are required), then carries pad from fresh frames only.
   *
   * @param agreed the restart point: {@link LinkPosition#agreed} of both ends' positions
   * @throws IllegalStateException if relays still hold reservations on the link (retry later)
   * @throws IllegalArgumentException if {@code agreed} is behind this end's own position
   */
  public void rekey(String peer, LinkPosition agreed, long epoch, String why) {
    Objects.requireNonNull(agreed, "agreed");
    if (epoch == 0) {
      throw new IllegalArgumentException("a re-key needs a non-zero epoch");
    }
    guarded(() -> {
      LinkPool pool = link(peer);
      if (!isQuarantinedPool(pool)) {
        quarantine(peer, why);
      }
      pool.rebase(agreed, epoch);
      rocks.sync();
      if (rocks.get(StoreKeys.adminFlag(linkDownFlag(peer))) != null) {
        pool.block(ADMIN_DOWN);
      } else if (auditsRequired) {
        pool.block(notAudited(peer));
      } else {
        pool.unblock();
      }
      return null;
    });
  }

  private static boolean isQuarantinedPool(LinkPool pool) {
    String b = pool.blocked();
    return b != null && b.startsWith(QUARANTINED);
  }

  /** Why the link to {@code peer} may not be used now (not audited yet, or quarantined), or empty. */
  public java.util.Optional<String> linkBlocked(String peer) {
    return java.util.Optional.ofNullable(guarded(() -> link(peer).blocked()));
  }

  /** True if the link to {@code peer} is quarantined (it stays so until re-keyed). */
  public boolean isQuarantined(String peer) {
    return linkBlocked(peer).map(b -> b.startsWith(QUARANTINED)).orElse(false);
  }

  private static void checkRelayId(String relayId) {
    Objects.requireNonNull(relayId, "relayId");
    if (relayId.isBlank() || relayId.length() > MAX_RELAY_ID_LENGTH) {
      throw new IllegalArgumentException(
          "relay id must be 1.." + MAX_RELAY_ID_LENGTH + " non-blank characters");
    }
  }

  /**
   * Waits until {@code result}'s change (and everything written before it) is on disk, then
   * returns it; if that fails, {@code discard} clears it and the store is failed closed.
   */
  private <T> T synced(T result, Consumer<? super T> discard) {
    try {
      rocks.sync();
    } catch (RuntimeException e) {
      discard.accept(result);
      throw e;
    }
    return result;
  }

  /** False once the store failed closed (a write or fsync failed) or was closed: it serves nothing. */
  /**
   * Fault injection (tests and chaos runs, like {@code -Dqnode.crash-at}): fails the store closed
   * exactly as a failed write or fsync would; every later call throws.
   */
  public void injectFailure(String why) {
    rocks.injectFailure(why);
  }

  /** Why the store failed, or empty while it is healthy (or closed). */
  public java.util.Optional<String> failure() {
    try {
      rocks.checkHealthy();
      return java.util.Optional.empty();
    } catch (KeyStoreFailedException e) {
      Throwable root = e.getCause() != null ? e.getCause() : e;
      return java.util.Optional.of(root.getMessage());
    }
  }

  public boolean isHealthy() {
    Lock l = lifecycle.readLock();
    l.lock();
    try {
      if (closed) {
        return false;
      }
      rocks.checkHealthy();
      return true;
    } catch (KeyStoreFailedException e) {
      return false;
    } finally {
      l.unlock();
    }
  }

  /**
   * Tests only: where the stored bytes of a stream begin (consumed pad below it is deleted), or
   * -1 if none is stored.
   */
  long firstStoredOffset(StreamId s) {
    return guarded(() -> {
      long[] first = {-1};
      rocks.forEachFrom(StoreKeys.chunkPrefix(s), StoreKeys.chunkPrefix(s), (k, v) -> {
        java.util.Arrays.fill(v, (byte) 0);
        first[0] = StoreKeys.offsetOf(k);
        return false;
      });
      return first[0];
    });
  }

  /** Tests only: bytes of a stream as stored, without touching any ledger. */
  KeyMaterial peekStream(StreamId s, long offset, int length) {
    return guarded(() -> KeyMaterial.wrap(rocks.readChunks(StoreKeys.chunkPrefix(s), offset, length)));
  }

  /** Reports the store's durability waits and fsyncs to {@code recorder} from now on (metrics). */
  public void recordSyncs(SyncRecorder recorder) {
    rocks.recordSyncs(recorder);
  }

  /** Syncs (durability barriers) requested so far; tests count them per operation. */
  long syncCount() {
    return rocks.syncCount();
  }

  long fsyncCount() {
    return rocks.fsyncCount();
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
