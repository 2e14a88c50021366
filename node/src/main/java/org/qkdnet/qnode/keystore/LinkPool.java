package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.KeyMaterial;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.qkdnet.qnode.keystore.PadRangeRejectedException.Reason;
import org.qkdnet.qnode.keystore.ReservationRecord.State;
import org.rocksdb.RocksDBException;

/**
 * The pad pool of one link as seen by this station: its sending stream (self→peer) and its
 * receiving stream (peer→self). Both change together when a frame is appended, so one lock
 * guards both.
 *
 * <p>Each change is computed, written as one batch in WAL order while the lock is held (not yet
 * synced), and then applied to memory, so a failed write changes nothing. The caller
 * ({@link StationKeyStore}) makes it durable with {@link RocksStore#sync} after the lock is
 * released, before it acknowledges anything: concurrent changes on one link then share an
 * fsync instead of queueing behind each other's. Writing in lock order matters because the
 * stream counters and run records are overwritten whole: replaying any prefix of the WAL gives
 * a state this pool really had.
 *
 * <p>Methods named {@code *Locked} and the plan/put/apply steps require {@link #lock()} held.
 */
final class LinkPool {
  /** A reservation worked out under the lock, not yet written. */
  record ReservePlan(PadReservation reservation, StreamCounters next) {}

  /** A change of the receiving stream's runs worked out under the lock, not yet written. */
  record RunPlan(RunSet.Change change, StreamCounters next) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final RocksStore rocks;
  private final int maxRuns;
  private final StreamId send;
  private final StreamId recv;
  private final boolean selfIsLo;
  private final RunSet recvRuns;
  /** Frame ids appended so far: [firstFrame, lastFrame]; none while lastFrame < 0. */
  private long firstFrame;
  private long lastFrame;
  private StreamCounters sendCounters;
  private StreamCounters recvCounters;
  private SupplyCounters supply;
  /** Assigner only: entries toward the peer, in seq order, that the peer has not confirmed yet. */
  private final ArrayDeque<AssignmentEntry> pendingSend = new ArrayDeque<>();
  /**
   * Sending stream: offset and length of every reservation still RESERVED (its pad may still be
   * read). None at load: the store burns every in-doubt reservation before links load.
   */
  private final TreeMap<Long, Integer> openReservations = new TreeMap<>();
  /**
   * Why this link may neither hand out nor accept pad now (null: it may): not yet audited with
   * its peer since the store opened, or quarantined after an audit found the ends' histories do
   * not fit (a store rolled back or wiped).
   */
  private volatile String blocked;
  /** Chunks of each stream below these offsets are deleted (0 after a load: not known yet). */
  private long sendTrimmedTo;
  private long recvTrimmedTo;

  private LinkPool(RocksStore rocks, int maxRuns, StreamId send, long firstFrame, long lastFrame,
      StreamCounters sendCounters, StreamCounters recvCounters, RunSet recvRuns, SupplyCounters supply) {
    this.rocks = rocks;
    this.maxRuns = maxRuns;
    this.send = send;
    this.recv = send.reversed();
    this.selfIsLo = send.from().compareTo(send.to()) < 0;
    this.firstFrame = firstFrame;
    this.lastFrame = lastFrame;
    this.sendCounters = sendCounters;
    this.recvCounters = recvCounters;
    this.recvRuns = recvRuns;
    this.supply = supply;
  }

  static LinkPool load(RocksStore rocks, int maxRuns, String self, String peer) {
    StreamId send = new StreamId(self, peer);
    StreamId recv = send.reversed();
    byte[] frames = rocks.get(StoreKeys.lastFrame(peer));
    long first = frames == null ? -1 : ByteBuffer.wrap(frames).getLong(0);
    long last = frames == null ? -1 : ByteBuffer.wrap(frames).getLong(Long.BYTES);
    StreamCounters rc = StoreRecovery.readCounters(rocks, recv);
    List<RunSet.Run> runs = new ArrayList<>();
    rocks.forEach(
        StoreKeys.runPrefix(recv),
        (k, v) -> runs.add(RunSet.Run.decode(StoreKeys.offsetOf(k), v)));
    byte[] sup = rocks.get(StoreKeys.supply(peer));
    SupplyCounters supply = sup == null ? SupplyCounters.EMPTY : SupplyCounters.decode(sup);
    LinkPool pool = new LinkPool(rocks, maxRuns, send, first, last,
        StoreRecovery.readCounters(rocks, send), rc, new RunSet(rc.watermark(), runs), supply);
    if (pool.selfIsLo) {
      // entries toward the peer it has not confirmed: pending until it does (they are pushed again)
      rocks.forEachFrom(StoreKeys.assignmentPrefix(peer), StoreKeys.assignment(peer, supply.peerNextSeq()),
          (k, v) -> {
            AssignmentEntry e = AssignmentEntry.decode(v);
            if (e.toStation().equals(peer)) {
              pool.pendingSend.add(e);
            }
            return true;
          });
    }
    return pool;
  }

  String peer() {
    return send.to();
  }

  void lock() {
    lock.lock();
  }

  void unlock() {
    lock.unlock();
  }

  /** Locks two different links in one global order (by peer id), so no two callers deadlock. */
  static void lockBoth(LinkPool a, LinkPool b) {
    LinkPool first = a.peer().compareTo(b.peer()) < 0 ? a : b;
    LinkPool second = first == a ? b : a;
    first.lock();
    try {
      second.lock();
    } catch (RuntimeException | Error e) {
      first.unlock();
      throw e;
    }
  }

  // ---- frames --------------------------------------------------------------------------------

  /** 0 for a link that has no frame yet, else the last frame id + 1. */
  long nextFrameId() {
    lock();
    try {
      return lastFrame < 0 ? 0L : lastFrame + 1;
    } finally {
      unlock();
    }
  }

  /** Unsynced: the caller syncs before acknowledging. */
  boolean appendFrame(long frameId, KeyMaterial frame) {
    lock();
    try {
      return appendFrameLocked(frameId, frame);
    } finally {
      unlock();
    }
  }

  private boolean appendFrameLocked(long frameId, KeyMaterial frame) {
    return appendFrameLocked(frameId, frame, null);
  }

  /** {@code alsoDelete}, if not null, is deleted in the frame's batch. */
  private boolean appendFrameLocked(long frameId, KeyMaterial frame, byte[] alsoDelete) {
    refuseIfQuarantined(frameId);
    if (lastFrame >= 0) {
      if (frameId >= firstFrame && frameId <= lastFrame) {
        return false;
      }
      if (frameId != lastFrame + 1) {
        throw new IllegalArgumentException(
            "key frame " + frameId + " of link " + send + " out of order: frames " + firstFrame
                + ".." + lastFrame + " appended, expected " + (lastFrame + 1));
      }
    }
    byte[] bytes = frame.copyBytes();
    try {
      // Fresh key belongs to no direction yet: it waits in the link stream until an assignment
      // entry gives it to the direction that needs it (docs/key-supply.md).
      SupplyCounters next = supply.plusFrame(bytes.length);
      long first = lastFrame < 0 ? frameId : firstFrame;
      try (StoreBatch batch = rocks.batch()) {
        putPieces(batch, StoreKeys.unassignedPrefix(peer()), supply.linkBytes(), bytes, 0, bytes.length);
        batch.put(StoreKeys.supply(peer()), next.encode());
        batch.put(
            StoreKeys.lastFrame(send.to()),
            ByteBuffer.allocate(2 * Long.BYTES).putLong(first).putLong(frameId).array());
        if (alsoDelete != null) {
          batch.delete(alsoDelete);
        }
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build frame batch: " + e.getMessage(), e);
      }
      supply = next;
      firstFrame = first;
      lastFrame = frameId;
      return true;
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  // ---- direction assignment of fresh key (docs/key-supply.md) --------------------------------

  /** Whether this end creates the link's assignment entries (the lower station id does). */
  boolean isAssigner() {
    return selfIsLo;
  }

  LinkSupply supplyView() {
    lock();
    try {
      long pending = 0;
      for (AssignmentEntry e : pendingSend) {
        pending += e.length();
      }
      return new LinkSupply(selfIsLo, supply.linkBytes(), supply.unassigned(), pending, supply.nextSeq(),
          selfIsLo ? supply.peerNextSeq() : supply.nextSeq());
    } finally {
      unlock();
    }
  }

  /**
   * Assigner, unsynced: one new entry of up to {@code wanted} bytes toward {@code toStation}, taken
   * from the unassigned key below {@code peerLinkBytes} (only key both ends hold can be assigned).
   * Toward the peer, the bytes stay pending (not reservable) until the peer confirms the entry;
   * toward this station they are receivable at once: the peer can only send on them after it
   * applied the entry.
   *
   * @return the entry, or null if nothing can be assigned now
   */
  AssignmentEntry assign(String toStation, int wanted, long peerLinkBytes) {
    if (!selfIsLo) {
      throw new IllegalStateException("only " + send.to() + " assigns key of link " + send + " to directions");
    }
    boolean towardPeer = toStation.equals(send.to());
    if (!towardPeer && !toStation.equals(send.from())) {
      throw new IllegalArgumentException(toStation + " is not an end of link " + send);
    }
    if (wanted <= 0) {
      throw new IllegalArgumentException("assignment length must be positive: " + wanted);
    }
    lock();
    try {
      long limit = Math.min(supply.linkBytes(), Math.max(0, peerLinkBytes));
      long length = Math.min(wanted, limit - supply.assignedUpTo());
      if (length <= 0) {
        return null;
      }
      AssignmentEntry e = new AssignmentEntry(supply.nextSeq(), supply.assignedUpTo(), (int) length, toStation,
          towardPeer ? sendCounters.generated() + pendingSendBytes() : recvCounters.generated());
      writeEntries(List.of(e));
      return e;
    } finally {
      unlock();
    }
  }

  /** Assigner: entries from {@code fromSeq} on (at most {@code max}), as stored. */
  List<AssignmentEntry> entriesFrom(long fromSeq, int max) {
    lock();
    try {
      List<AssignmentEntry> out = new ArrayList<>();
      long start = Math.max(0, fromSeq);
      rocks.forEachFrom(StoreKeys.assignmentPrefix(peer()), StoreKeys.assignment(peer(), start), (k, v) -> {
        out.add(AssignmentEntry.decode(v));
        return out.size() < max;
      });
      return out;
    } finally {
      unlock();
    }
  }

  /**
   * Assigner, unsynced: the peer applied every entry below {@code peerNextSeq}; pending bytes
   * toward it up to there become reservable. A lost update is harmless: the entries stay
   * pending and are pushed (and confirmed) again.
   *
   * @throws AssignmentConflictException if the peer claims entries that were never created
   */
  void confirm(long peerNextSeq) {
    lock();
    try {
      if (peerNextSeq > supply.nextSeq()) {
        throw new AssignmentConflictException("link " + send + ": peer claims to have applied entries up to "
            + peerNextSeq + " but only " + supply.nextSeq() + " exist");
      }
      if (peerNextSeq <= supply.peerNextSeq()) {
        return;
      }
      long gained = 0;
      while (!pendingSend.isEmpty() && pendingSend.peekFirst().seq() < peerNextSeq) {
        gained += pendingSend.pollFirst().length();
      }
      StreamCounters sc = sendCounters.withGenerated(sendCounters.generated() + gained);
      SupplyCounters next = supply.withPeerNextSeq(peerNextSeq);
      try (StoreBatch batch = rocks.batch()) {
        batch.put(StoreKeys.supply(peer()), next.encode());
        batch.put(StoreKeys.counters(send), sc.encode());
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build confirm batch: " + e.getMessage(), e);
      }
      sendCounters = sc;
      supply = next;
    } finally {
      unlock();
    }
  }

  /**
   * Non-assigning end, unsynced: applies the received entries in order. Entries it already applied
   * must be identical to its own records (else the ends disagree: nothing more is applied and the
   * link must be re-keyed); it stops before an entry whose key it does not hold yet.
   *
   * @throws AssignmentConflictException if an entry contradicts what this end applied or expects
   */
  ApplyResult apply(List<AssignmentEntry> entries) {
    if (selfIsLo) {
      throw new IllegalStateException(send.from() + " assigns key of link " + send + " itself; it applies no entries");
    }
    lock();
    try {
      List<AssignmentEntry> fresh = new ArrayList<>();
      long seq = supply.nextSeq();
      long linkAt = supply.assignedUpTo();
      long sendAt = sendCounters.generated();
      long recvAt = recvCounters.generated();
      String stopped = "";
      for (AssignmentEntry e : entries) {
        if (e.seq() < supply.nextSeq()) {
          byte[] had = rocks.get(StoreKeys.assignment(peer(), e.seq()));
          if (had == null || !AssignmentEntry.decode(had).equals(e)) {
            throw new AssignmentConflictException("link " + send + ": entry " + e.seq()
                + " differs from the one applied here");
          }
          continue;
        }
        if (e.seq() != seq) {
          throw new AssignmentConflictException("link " + send + ": entry " + e.seq() + " received, "
              + seq + " expected next");
        }
        boolean towardPeer = e.toStation().equals(send.to());
        if (!towardPeer && !e.toStation().equals(send.from())) {
          throw new AssignmentConflictException("link " + send + ": entry " + e.seq() + " names "
              + e.toStation() + ", not an end of this link");
        }
        long expectedStream = towardPeer ? sendAt : recvAt;
        if (e.linkOffset() != linkAt || e.streamOffset() != expectedStream) {
          throw new AssignmentConflictException("link " + send + ": entry " + e.seq() + " assigns link bytes at "
              + e.linkOffset() + " to stream offset " + e.streamOffset() + ", expected " + linkAt + " and "
              + expectedStream);
        }
        if (e.linkEnd() > supply.linkBytes()) {
          stopped = "entry " + e.seq() + " needs link bytes up to " + e.linkEnd() + ", this end holds "
              + supply.linkBytes();
          break;
        }
        fresh.add(e);
        seq++;
        linkAt = e.linkEnd();
        if (towardPeer) {
          sendAt += e.length();
        } else {
          recvAt += e.length();
        }
      }
      if (!fresh.isEmpty()) {
        writeEntries(fresh);
      }
      return new ApplyResult(supply.nextSeq(), supply.linkBytes(), fresh.size(), stopped);
    } finally {
      unlock();
    }
  }

  private long pendingSendBytes() {
    long n = 0;
    for (AssignmentEntry e : pendingSend) {
      n += e.length();
    }
    return n;
  }

  /**
   * Lock held: moves the link bytes of consecutive entries (starting at the assignment cursor)
   * into their streams, records the entries and the counters in one batch, then updates memory.
   */
  private void writeEntries(List<AssignmentEntry> entries) {
    long from = supply.assignedUpTo();
    long total = 0;
    for (AssignmentEntry e : entries) {
      total += e.length();
    }
    byte[] bytes = rocks.readChunks(StoreKeys.unassignedPrefix(peer()), from, Math.toIntExact(total));
    try (StoreBatch batch = rocks.batch()) {
      consumeUnassigned(batch, from, from + total);
      StreamCounters sc = sendCounters;
      StreamCounters rc = recvCounters;
      List<AssignmentEntry> toPending = new ArrayList<>();
      int pos = 0;
      for (AssignmentEntry e : entries) {
        boolean towardPeer = e.toStation().equals(send.to());
        putChunk(batch, towardPeer ? send : recv, e.streamOffset(), bytes, pos, e.length());
        pos += e.length();
        batch.put(StoreKeys.assignment(peer(), e.seq()), e.encode());
        if (!towardPeer) {
          rc = rc.withGenerated(rc.generated() + e.length());
        } else if (selfIsLo) {
          toPending.add(e); // reservable once the peer confirms it applied the entry
        } else {
          sc = sc.withGenerated(sc.generated() + e.length());
        }
      }
      SupplyCounters next = supply.assigned(total, entries.size());
      batch.put(StoreKeys.supply(peer()), next.encode());
      batch.put(StoreKeys.counters(send), sc.encode());
      batch.put(StoreKeys.counters(recv), rc.encode());
      rocks.writeUnsynced(batch);
      sendCounters = sc;
      recvCounters = rc;
      supply = next;
      pendingSend.addAll(toPending);
    } catch (RocksDBException e) {
      throw new KeyStoreFailedException("cannot build assignment batch: " + e.getMessage(), e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Deletes the unassigned chunks of {@code [from, to)} (all at or above from) and keeps the rest of the last one. */
  private void consumeUnassigned(StoreBatch batch, long from, long to) throws RocksDBException {
    List<byte[]> keys = new ArrayList<>();
    long[] tail = {-1, 0};
    byte[][] tailBytes = {null};
    rocks.forEachFrom(StoreKeys.unassignedPrefix(peer()), StoreKeys.unassigned(peer(), from), (k, v) -> {
      long start = StoreKeys.offsetOf(k);
      if (start >= to) {
        Arrays.fill(v, (byte) 0);
        return false;
      }
      keys.add(k);
      long end = start + v.length;
      if (end > to) {
        tail[0] = to;
        tailBytes[0] = Arrays.copyOfRange(v, (int) (to - start), v.length);
      }
      Arrays.fill(v, (byte) 0);
      return end < to;
    });
    for (byte[] k : keys) {
      batch.delete(k);
    }
    if (tailBytes[0] != null) {
      try {
        batch.put(StoreKeys.unassigned(peer(), tail[0]), tailBytes[0]);
      } finally {
        Arrays.fill(tailBytes[0], (byte) 0);
      }
    }
  }

  // ---- staged (pending) frames: two-phase commit of a link's final key ------------------------

  /** Unsynced; true if written, false for an identical repeat. */
  boolean stagePending(long frameId, KeyMaterial frame) {
    lock();
    try {
      refuseIfQuarantined(frameId);
      if (isAppendedLocked(frameId)) {
        throw new IllegalStateException(
            "key frame " + frameId + " of link " + send + " is already in the pool; it cannot be staged");
      }
      byte[] key = StoreKeys.stagedFrame(peer(), frameId);
      byte[] had = rocks.get(key);
      if (had != null) {
        try (KeyMaterial old = KeyMaterial.wrap(had)) {
          if (old.contentEquals(frame)) {
            return false;
          }
        }
        throw new IllegalStateException(
            "key frame " + frameId + " of link " + send + " is already staged with different content");
      }
      byte[] bytes = frame.copyBytes();
      try (StoreBatch batch = rocks.batch()) {
        batch.put(key, bytes);
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build staging batch: " + e.getMessage(), e);
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
      return true;
    } finally {
      unlock();
    }
  }

  /** The staged frame (the caller owns it), or null. */
  KeyMaterial pending(long frameId) {
    lock();
    try {
      byte[] had = rocks.get(StoreKeys.stagedFrame(peer(), frameId));
      return had == null ? null : KeyMaterial.wrap(had);
    } finally {
      unlock();
    }
  }

  /**
   * Unsynced: appends the staged frame and deletes its record in one batch. False if the frame
   * is already in the pool (a leftover staged copy is deleted then); throws if nothing is staged.
   */
  boolean commitPending(long frameId) {
    lock();
    try {
      byte[] key = StoreKeys.stagedFrame(peer(), frameId);
      byte[] had = rocks.get(key);
      if (isAppendedLocked(frameId)) {
        if (had != null) {
          Arrays.fill(had, (byte) 0);
          deleteLocked(key);
        }
        return false;
      }
      if (had == null) {
        throw new IllegalStateException(
            "key frame " + frameId + " of link " + send + " is neither staged nor in the pool");
      }
      try (KeyMaterial frame = KeyMaterial.wrap(had)) {
        return appendFrameLocked(frameId, frame, key);
      }
    } finally {
      unlock();
    }
  }

  /** Unsynced; a no-op if nothing is staged under {@code frameId}. */
  boolean discardPending(long frameId) {
    lock();
    try {
      byte[] key = StoreKeys.stagedFrame(peer(), frameId);
      byte[] had = rocks.get(key);
      if (had == null) {
        return false;
      }
      Arrays.fill(had, (byte) 0);
      deleteLocked(key);
      return true;
    } finally {
      unlock();
    }
  }

  List<Long> pendingIds() {
    lock();
    try {
      List<Long> ids = new ArrayList<>();
      rocks.forEach(StoreKeys.stagedFramePrefix(peer()), (k, v) -> {
        Arrays.fill(v, (byte) 0);
        ids.add(StoreKeys.offsetOf(k));
      });
      return ids;
    } finally {
      unlock();
    }
  }

  private boolean isAppendedLocked(long frameId) {
    return lastFrame >= 0 && frameId >= firstFrame && frameId <= lastFrame;
  }

  private void deleteLocked(byte[] key) {
    try (StoreBatch batch = rocks.batch()) {
      batch.delete(key);
      rocks.writeUnsynced(batch);
    } catch (RocksDBException e) {
      throw new KeyStoreFailedException("cannot build delete batch: " + e.getMessage(), e);
    }
  }

  private static void putChunk(
      StoreBatch batch, StreamId s, long offset, byte[] src, int from, int len)
      throws RocksDBException {
    putPieces(batch, StoreKeys.chunkPrefix(s), offset, src, from, len);
  }

  /**
   * Largest record of a stream (pad chunks, unassigned link key). Every record is sealed
   * (AES-GCM), and a read opens each record it touches whole: small records keep a relay's read
   * of a few dozen bytes from opening a whole frame, and let consumed pad be deleted sooner.
   */
  static final int MAX_RECORD_BYTES = 4096;

  /** Writes {@code src[from, from+len)} as records of at most {@link #MAX_RECORD_BYTES} keyed by offset under {@code prefix}. */
  private static void putPieces(StoreBatch batch, byte[] prefix, long offset, byte[] src, int from, int len)
      throws RocksDBException {
    for (int done = 0; done < len; ) {
      int n = Math.min(MAX_RECORD_BYTES, len - done);
      byte[] piece = Arrays.copyOfRange(src, from + done, from + done + n);
      try {
        batch.put(StoreKeys.withOffset(prefix, offset + done), piece);
      } finally {
        Arrays.fill(piece, (byte) 0);
      }
      done += n;
    }
  }

  // ---- sending stream ------------------------------------------------------------------------

  /** Unsynced: the caller syncs before the reservation (or its pad) leaves the store. */
  PadReservation reserve(int length, String relayId) {
    lock();
    try {
      ReservePlan p = planReserve(length, relayId);
      try (StoreBatch batch = rocks.batch()) {
        putReserve(batch, p);
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build reserve batch: " + e.getMessage(), e);
      }
      applyReserve(p);
      return p.reservation();
    } finally {
      unlock();
    }
  }

  /** Lock held. */
  ReservePlan planReserve(int length, String relayId) {
    String why = blocked;
    if (why != null) {
      throw new PoolExhaustedException(send, length, why);
    }
    long available = sendCounters.generated() - sendCounters.cursor();
    if (length > available) {
      throw new PoolExhaustedException(send, length, available);
    }
    PadReservation r = new PadReservation(send, sendCounters.cursor(), length, relayId);
    return new ReservePlan(r, sendCounters.plus(length, length, 0, 0));
  }

  void putReserve(StoreBatch batch, ReservePlan p) throws RocksDBException {
    PadReservation r = p.reservation();
    batch.put(
        StoreKeys.reservation(send, r.offset()),
        new ReservationRecord(State.RESERVED, r.length(), r.relayId()).encode());
    batch.put(StoreKeys.pending(send, r.offset()), new byte[0]);
    batch.put(StoreKeys.counters(send), p.next().encode());
  }

  /** Lock held; only after the plan's batch was written. */
  void applyReserve(ReservePlan p) {
    sendCounters = p.next();
    openReservations.put(p.reservation().offset(), p.reservation().length());
  }

  /** Lock held: the pad of a reservation just planned (no record lookup needed). */
  byte[] readSendLocked(PadReservation r) {
    return rocks.readChunks(StoreKeys.chunkPrefix(send), r.offset(), r.length());
  }

  KeyMaterial padBytes(PadReservation r) {
    lock();
    try {
      ReservationRecord rec = findReservation(r);
      if (rec.state() == State.BURNED) {
        throw new IllegalStateException(
            "reservation " + describe(r) + " is burned; its pad must not be used");
      }
      return KeyMaterial.wrap(readSendLocked(r));
    } finally {
      unlock();
    }
  }

  /**
   * RESERVED → {@code target}; a repeat is a no-op, the other final state an error. Never
   * synced: if lost, the reservation is still pending and is burned at recovery.
   */
  void settle(PadReservation r, State target) {
    lock();
    try {
      ReservationRecord rec = findReservation(r);
      if (rec.state() == target) {
        return;
      }
      if (rec.state() != State.RESERVED) {
        throw new IllegalStateException(
            "reservation " + describe(r) + " is already " + rec.state() + ", not " + target);
      }
      int n = r.length();
      StreamCounters next =
          sendCounters.plus(0, -n, target == State.USED ? n : 0, target == State.BURNED ? n : 0);
      try (StoreBatch batch = rocks.batch()) {
        batch.put(StoreKeys.reservation(send, r.offset()), rec.withState(target).encode());
        batch.delete(StoreKeys.pending(send, r.offset()));
        batch.put(StoreKeys.counters(send), next.encode());
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build settle batch: " + e.getMessage(), e);
      }
      sendCounters = next;
      openReservations.remove(r.offset());
      trimSendLocked();
    } finally {
      unlock();
    }
  }

  private ReservationRecord findReservation(PadReservation r) {
    byte[] raw =
        r.stream().equals(send) ? rocks.get(StoreKeys.reservation(send, r.offset())) : null;
    ReservationRecord rec = raw == null ? null : ReservationRecord.decode(raw);
    if (rec == null || !rec.matches(r)) {
      throw new IllegalArgumentException("no reservation " + describe(r) + " in this store");
    }
    return rec;
  }

  private static String describe(PadReservation r) {
    return r.stream() + " [" + r.offset() + ", +" + r.length() + ") of relay " + r.relayId();
  }

  // ---- receiving stream ----------------------------------------------------------------------

  /** Unsynced: the caller syncs before the returned pad is used for anything leaving it. */
  KeyMaterial acceptIncoming(long offset, int length) {
    lock();
    try {
      checkAcceptable(offset, length);
      // Read before recording: a failed read must not consume the range.
      byte[] pad = readRecvLocked(offset, length);
      try {
        commitRuns(planRuns(offset, length, RunSet.Mark.USED));
        foldIfDueLocked();
      } catch (RuntimeException e) {
        Arrays.fill(pad, (byte) 0);
        throw e;
      }
      return KeyMaterial.wrap(pad);
    } finally {
      unlock();
    }
  }

  /**
   * Lock held: throws unless {@code [offset, offset+length)} of the receiving stream is
   * generated and was never accepted or burned. Changes nothing.
   */
  void checkAcceptable(long offset, int length) {
    if (blocked != null) {
      throw new PadRangeRejectedException(Reason.LINK_BLOCKED, recv, offset, length);
    }
    if (offset < 0 || length <= 0 || offset > Long.MAX_VALUE - length) {
      throw new PadRangeRejectedException(Reason.INVALID_RANGE, recv, offset, length);
    }
    long end = offset + length;
    if (end > recvCounters.generated()) {
      throw new PadRangeRejectedException(Reason.NOT_GENERATED_YET, recv, offset, length);
    }
    if (recvRuns.overlaps(offset, end)) {
      throw new PadRangeRejectedException(Reason.OVERLAPS_USED, recv, offset, length);
    }
  }

  /** Lock held; the caller owns (and must clear) the bytes. */
  byte[] readRecvLocked(long offset, int length) {
    return rocks.readChunks(StoreKeys.chunkPrefix(recv), offset, length);
  }

  /** Lock held, range checked by {@link #checkAcceptable}: marks it USED or BURNED. */
  RunPlan planRuns(long offset, int length, RunSet.Mark mark) {
    RunSet.Change c =
        mark == RunSet.Mark.USED
            ? recvRuns.planAccept(offset, offset + length)
            : recvRuns.planReject(offset, offset + length);
    return planOf(c);
  }

  private RunPlan planOf(RunSet.Change c) {
    return new RunPlan(c,
        recvCounters.plus(0, 0, c.usedDelta(), c.burnedDelta()).withWatermark(c.watermark()));
  }

  void putRuns(StoreBatch batch, RunPlan p) throws RocksDBException {
    for (long start : p.change().removed()) {
      batch.delete(StoreKeys.run(recv, start));
    }
    for (RunSet.Run r : p.change().added()) {
      batch.put(StoreKeys.run(recv, r.start()), r.encodeValue());
    }
    batch.put(StoreKeys.counters(recv), p.next().encode());
  }

  /** Lock held; only after the plan's batch was written. */
  void applyRuns(RunPlan p) {
    recvRuns.apply(p.change());
    recvCounters = p.next();
    trimRecvLocked();
  }

  // ---- deleting consumed pad ---------------------------------------------------------------

  /**
   * Lock held: deletes the sending stream's chunks that lie wholly below every pad still needed
   * (the lowest open reservation, else the cursor): their bytes are used or burned and are never
   * read again. Unsynced: a deletion lost in a crash is repeated at the next trim.
   */
  private void trimSendLocked() {
    long point = openReservations.isEmpty() ? sendCounters.cursor() : openReservations.firstKey();
    sendTrimmedTo = trim(send, sendTrimmedTo, point);
  }

  /**
   * Lock held: deletes the receiving stream's chunks wholly below its consumed prefix (the
   * watermark and the runs that follow it without a gap: all accepted or burned).
   */
  private void trimRecvLocked() {
    recvTrimmedTo = trim(recv, recvTrimmedTo, recvRuns.consumedPrefixEnd());
  }

  private long trim(StreamId s, long trimmedTo, long point) {
    if (point <= trimmedTo) {
      return trimmedTo;
    }
    try (StoreBatch batch = rocks.batch()) {
      long cut = rocks.wholeChunksBelow(StoreKeys.chunkPrefix(s), trimmedTo, point, key -> {
        try {
          batch.delete(key);
        } catch (RocksDBException e) {
          throw new KeyStoreFailedException("cannot build trim batch: " + e.getMessage(), e);
        }
      });
      if (cut <= trimmedTo) {
        return trimmedTo;
      }
      rocks.writeUnsynced(batch);
      return cut;
    }
  }

  /** Chunk records of a stream still stored (tests: consumed pad is deleted). */
  int chunkCount(StreamId s) {
    int[] n = {0};
    rocks.forEachRaw(StoreKeys.chunkPrefix(s), (k, v) -> n[0]++);
    return n[0];
  }

  /** Lock held: writes (unsynced) and applies a run change on its own. */
  void commitRuns(RunPlan p) {
    try (StoreBatch batch = rocks.batch()) {
      putRuns(batch, p);
      rocks.writeUnsynced(batch);
    } catch (RocksDBException e) {
      throw new KeyStoreFailedException("cannot build run batch: " + e.getMessage(), e);
    }
    applyRuns(p);
  }

  /** Lock held: folds the lowest runs into the watermark once there are too many. */
  void foldIfDueLocked() {
    RunSet.Change fold = recvRuns.planFold(maxRuns);
    if (fold != null) {
      commitRuns(planOf(fold));
    }
  }

  /** Unsynced, like every change here. */
  void burnIncoming(long offset, int length) {
    lock();
    try {
      RunSet.Change c = recvRuns.planBurn(offset, offset + length);
      if (c.usedDelta() != 0 || c.burnedDelta() != 0) {
        commitRuns(planOf(c));
      }
    } finally {
      unlock();
    }
  }

  /** Every reservation of the sending stream and the receiving stream's runs (offsets only). */
  LinkRanges ranges() {
    lock();
    try {
      List<LinkRanges.Range> sent = new ArrayList<>();
      rocks.forEach(StoreKeys.reservationPrefix(send), (k, v) -> {
        long at = StoreKeys.offsetOf(k);
        ReservationRecord rec = ReservationRecord.decode(v);
        sent.add(new LinkRanges.Range(at, at + rec.length(), LinkRanges.Mark.valueOf(rec.state().name())));
      });
      List<LinkRanges.Range> received = new ArrayList<>();
      for (RunSet.Run r : recvRuns.runs()) {
        received.add(new LinkRanges.Range(r.start(), r.end(), LinkRanges.Mark.valueOf(r.mark().name())));
      }
      return new LinkRanges(send, sent, sendCounters.cursor(), recvRuns.watermark(), received);
    } finally {
      unlock();
    }
  }

  // ---- audits between the two ends (issue 10 item 2) -------------------------------------------

  String blocked() {
    return blocked;
  }

  private void refuseIfQuarantined(long frameId) {
    String why = blocked;
    if (why != null && why.startsWith("quarantined: ")) {
      throw new IllegalStateException("link " + send + " is " + why + "; key frame " + frameId + " refused");
    }
  }

  void block(String why) {
    blocked = why;
  }

  void unblock() {
    blocked = null;
  }

  /** This end's account of the link in epoch {@code e} (counters only; used bytes since the epoch began). */
  LinkAudit audit(LinkEpoch e) {
    lock();
    try {
      long recvHigh = recvRuns.consumedHigh();
      return new LinkAudit(e.epoch(), supply.linkBytes(), sendCounters.cursor(),
          sendCounters.used() - e.sendUsedBase(), recvHigh, recvCounters.used() - e.recvUsedBase());
    } finally {
      unlock();
    }
  }

  /** How far this end has come (counters only), for a re-key. */
  LinkPosition position() {
    lock();
    try {
      return new LinkPosition(lastFrame < 0 ? 0 : lastFrame + 1, supply.linkBytes(), supply.nextSeq(),
          Math.max(sendCounters.cursor(), sendCounters.generated() + pendingSendBytes()),
          Math.max(recvCounters.generated(), recvRuns.consumedHigh()));
    } finally {
      unlock();
    }
  }

  /**
   * Re-key, unsynced (the caller syncs): restarts this end of the link at {@code to} under a new
   * epoch. Everything below is burned or dropped: unassigned and staged key, pending assignments,
   * both streams' unused pad (their chunks deleted); the frame counter continues at
   * {@code to.nextFrame()}, so no frame id either end ever used is derived or accepted again.
   * Ledgers stay balanced (the skipped bytes count as generated and burned). The quarantine
   * record goes; the caller keeps the link blocked until the first audit of the new epoch.
   *
   * @param epoch the new epoch's id (not 0)
   * @throws IllegalStateException if relays still hold reservations on this link (try later)
   */
  void rebase(LinkPosition to, long epoch) {
    lock();
    try {
      if (!openReservations.isEmpty()) {
        throw new IllegalStateException("link " + send + " has " + openReservations.size()
            + " reservation(s) in flight; re-key later");
      }
      LinkPosition here = position();
      if (!to.notBehind(here)) {
        throw new IllegalArgumentException("re-key of link " + send + " to " + to + " would go back from " + here);
      }
      StreamCounters s = sendCounters;
      long skip = to.sendEnd() - s.cursor();
      StreamCounters sc = new StreamCounters(to.sendEnd(), to.sendEnd(), s.reserved(), s.used(), s.burned() + skip,
          s.watermark());
      RunSet.Change c = recvRuns.planBurnAllBelow(to.recvEnd());
      RunPlan rp = new RunPlan(c, recvCounters.plus(0, 0, c.usedDelta(), c.burnedDelta())
          .withWatermark(c.watermark()).withGenerated(to.recvEnd()));
      SupplyCounters sup = new SupplyCounters(to.linkBytes(), to.linkBytes(), to.nextSeq(), to.nextSeq());
      long first = to.nextFrame() == 0 ? -1 : Math.max(0, firstFrame);
      long last = to.nextFrame() - 1;
      try (StoreBatch batch = rocks.batch()) {
        deleteAll(batch, StoreKeys.unassignedPrefix(peer()));
        deleteAll(batch, StoreKeys.stagedFramePrefix(peer()));
        deleteAll(batch, StoreKeys.assignmentPrefix(peer()));
        deleteAll(batch, StoreKeys.chunkPrefix(send));
        deleteAll(batch, StoreKeys.chunkPrefix(recv));
        putRuns(batch, rp);
        batch.put(StoreKeys.counters(send), sc.encode());
        batch.put(StoreKeys.supply(peer()), sup.encode());
        if (last >= 0) {
          batch.put(StoreKeys.lastFrame(peer()), ByteBuffer.allocate(2 * Long.BYTES).putLong(first).putLong(last).array());
        }
        batch.put(StoreKeys.epoch(peer()), new LinkEpoch(epoch, sc.used(), rp.next().used()).encode());
        batch.delete(StoreKeys.quarantine(peer()));
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build re-key batch: " + e.getMessage(), e);
      }
      sendCounters = sc;
      recvRuns.apply(rp.change());
      recvCounters = rp.next();
      supply = sup;
      pendingSend.clear();
      firstFrame = first;
      lastFrame = last;
      sendTrimmedTo = 0;
      recvTrimmedTo = 0;
    } finally {
      unlock();
    }
  }

  private static void deleteAll(StoreBatch batch, byte[] prefix) throws RocksDBException {
    batch.deleteRange(StoreKeys.withOffset(prefix, 0), StoreKeys.withOffset(prefix, Long.MAX_VALUE));
  }

  /**
   * Quarantine: burns every byte of both streams that is not yet consumed (the stale pool can
   * never be used), in one unsynced batch; the caller syncs. Counters stay balanced.
   */
  void burnStalePool() {
    lock();
    try {
      try (StoreBatch batch = rocks.batch()) {
        long spare = sendCounters.generated() - sendCounters.cursor();
        StreamCounters sc = spare > 0 ? sendCounters.plus(spare, 0, 0, spare) : sendCounters;
        RunSet.Change c = recvRuns.planBurnAllBelow(recvCounters.generated());
        RunPlan rp = planOf(c);
        putRuns(batch, rp);
        batch.put(StoreKeys.counters(send), sc.encode());
        rocks.writeUnsynced(batch);
        sendCounters = sc;
        applyRuns(rp);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build quarantine batch: " + e.getMessage(), e);
      }
      trimSendLocked();
    } finally {
      unlock();
    }
  }

  // ---- ledgers -------------------------------------------------------------------------------

  Ledger sendLedger() {
    lock();
    try {
      StreamCounters c = sendCounters;
      return new Ledger(
          c.generated(), c.generated() - c.cursor(), c.reserved(), c.used(), c.burned());
    } finally {
      unlock();
    }
  }

  Ledger recvLedger() {
    lock();
    try {
      StreamCounters c = recvCounters;
      return new Ledger(
          c.generated(), c.generated() - c.used() - c.burned(), 0, c.used(), c.burned());
    } finally {
      unlock();
    }
  }
}
