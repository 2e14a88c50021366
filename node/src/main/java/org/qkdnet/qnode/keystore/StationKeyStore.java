package org.qkdnet.qnode.keystore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.qkdnet.qnode.keystore.PadRangeRejectedException.Reason;
import org.qkdnet.qnode.keystore.ReservationRecord.State;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The durable key store of one station (DESIGN.md §6): the pad pools of its links, split into
 * directional streams, and the relayed keys waiting for slave SAEs.
 *
 * <p>Every state change is one synced RocksDB write batch, made before the call returns and
 * before memory changes, so a failed write changes nothing and a crash loses nothing that was
 * acknowledged. Pad moves AVAILABLE → RESERVED → USED | BURNED and never back: on open, what
 * was still RESERVED (in doubt) is burned.
 *
 * <p>Thread-safe: each link has its own lock (both of its streams change together when a
 * frame is appended); delivered keys have another.
 */
public final class StationKeyStore implements AutoCloseable {
  static final int FORMAT_VERSION = 1;
  /** Runs above the receive watermark before the lowest are folded into it. */
  static final int DEFAULT_MAX_RUNS = 4096;

  private static final int MAX_RELAY_ID_LENGTH = 200;

  private final RocksStore rocks;
  private final String self;
  private final int maxRuns;
  private final DeliverableShelf shelf;
  private final ConcurrentHashMap<String, Link> links = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  /** In-memory mirror of one link's persisted state; guarded by its own monitor. */
  private static final class Link {
    final StreamId send;
    final StreamId recv;
    /** Frame ids appended so far: [firstFrame, lastFrame], or none if lastFrame < 0. */
    long firstFrame;
    long lastFrame;
    StreamCounters sendCounters;
    StreamCounters recvCounters;
    final RunSet recvRuns;

    Link(StreamId send, long firstFrame, long lastFrame, StreamCounters sc, StreamCounters rc,
        RunSet runs) {
      this.send = send;
      this.recv = send.reversed();
      this.firstFrame = firstFrame;
      this.lastFrame = lastFrame;
      this.sendCounters = sc;
      this.recvCounters = rc;
      this.recvRuns = runs;
    }
  }

  private StationKeyStore(RocksStore rocks, String self, int maxRuns) {
    this.rocks = rocks;
    this.self = self;
    this.maxRuns = maxRuns;
    this.shelf = new DeliverableShelf(rocks);
  }

  /**
   * Opens (or creates) the store of station {@code selfStationId} in {@code dir}, burning every
   * reservation left in doubt by a crash.
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
      checkIdentity(rocks, dir, selfStationId);
      burnInDoubt(rocks);
      return new StationKeyStore(rocks, selfStationId, maxRuns);
    } catch (RuntimeException e) {
      rocks.close();
      throw e;
    }
  }

  private static void checkIdentity(RocksStore rocks, Path dir, String self) {
    byte[] version = rocks.get(StoreKeys.FORMAT_VERSION);
    byte[] owner = rocks.get(StoreKeys.SELF_ID);
    if (version == null && owner == null) {
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(StoreKeys.FORMAT_VERSION, ByteBuffer.allocate(4).putInt(FORMAT_VERSION).array());
        batch.put(StoreKeys.SELF_ID, self.getBytes(StandardCharsets.UTF_8));
        rocks.write(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot initialize key store: " + e.getMessage(), e);
      }
      return;
    }
    if (version == null || version.length != 4 || ByteBuffer.wrap(version).getInt() != FORMAT_VERSION) {
      throw new IllegalStateException(
          "key store at " + dir + " has an unknown format (expected version " + FORMAT_VERSION + ")");
    }
    String stored = owner == null ? "" : new String(owner, StandardCharsets.UTF_8);
    if (!stored.equals(self)) {
      throw new IllegalArgumentException(
          "key store at " + dir + " belongs to station '" + stored + "', not '" + self + "'");
    }
  }

  /** RELIABILITY.md §3: a reservation whose use is unknown after a crash is burned, never reused. */
  private static void burnInDoubt(RocksStore rocks) {
    List<byte[]> pending = new ArrayList<>();
    rocks.forEach(StoreKeys.pendingPrefix(), (k, v) -> pending.add(k));
    if (pending.isEmpty()) {
      return;
    }
    java.util.Map<StreamId, StreamCounters> counters = new java.util.HashMap<>();
    try (WriteBatch batch = new WriteBatch()) {
      for (byte[] key : pending) {
        StreamId stream = StoreKeys.streamOf(key);
        long offset = StoreKeys.offsetOf(key);
        byte[] rkey = StoreKeys.reservation(stream, offset);
        byte[] raw = rocks.get(rkey);
        batch.delete(key);
        if (raw == null) {
          continue;
        }
        ReservationRecord rec = ReservationRecord.decode(raw);
        if (rec.state() != State.RESERVED) {
          continue;
        }
        batch.put(rkey, rec.withState(State.BURNED).encode());
        StreamCounters c = counters.computeIfAbsent(stream, s -> readCounters(rocks, s));
        counters.put(stream, c.plus(0, -rec.length(), 0, rec.length()));
      }
      for (var e : counters.entrySet()) {
        batch.put(StoreKeys.counters(e.getKey()), e.getValue().encode());
      }
      rocks.write(batch);
    } catch (RocksDBException e) {
      throw new KeyStoreFailedException("cannot burn in-doubt reservations: " + e.getMessage(), e);
    }
  }

  private static StreamCounters readCounters(RocksStore rocks, StreamId s) {
    byte[] raw = rocks.get(StoreKeys.counters(s));
    return raw == null ? StreamCounters.EMPTY : StreamCounters.decode(raw);
  }

  public String selfStationId() {
    return self;
  }

  // ---- key frames ----------------------------------------------------------------------------

  /**
   * Appends a link's key frame, split so both ends agree without talking: the first
   * floor(len/2) bytes extend stream lo→hi, the rest hi→lo (lo, hi by {@link String#compareTo}).
   *
   * @return false if this frame id was already appended (idempotent repeat)
   * @throws IllegalArgumentException on a gap or a frame id before the link's first frame
   */
  public boolean appendFrame(String peer, long frameId, KeyMaterial frame) {
    Objects.requireNonNull(frame, "frame");
    if (frameId < 0) {
      throw new IllegalArgumentException("negative frame id " + frameId);
    }
    if (frame.length() == 0) {
      throw new IllegalArgumentException("empty key frame " + frameId + " from link to " + peer);
    }
    return guarded(
        () -> {
          Link link = link(peer);
          synchronized (link) {
            if (link.lastFrame >= 0) {
              if (frameId >= link.firstFrame && frameId <= link.lastFrame) {
                return false;
              }
              if (frameId != link.lastFrame + 1) {
                throw new IllegalArgumentException(
                    "key frame "
                        + frameId
                        + " of link "
                        + link.send
                        + " out of order: frames "
                        + link.firstFrame
                        + ".."
                        + link.lastFrame
                        + " appended, expected "
                        + (link.lastFrame + 1));
              }
            }
            appendSplit(link, frameId, frame);
            return true;
          }
        });
  }

  /** The id of the next frame this link expects: 0 for a new link, else the last one + 1. */
  public long nextFrameId(String peer) {
    return guarded(
        () -> {
          Link link = link(peer);
          synchronized (link) {
            return link.lastFrame < 0 ? 0L : link.lastFrame + 1;
          }
        });
  }

  private void appendSplit(Link link, long frameId, KeyMaterial frame) {
    byte[] bytes = frame.copyBytes();
    try {
      int half = bytes.length / 2;
      boolean selfIsLo = self.compareTo(link.send.to()) < 0;
      int sendFrom = selfIsLo ? 0 : half;
      int sendLen = selfIsLo ? half : bytes.length - half;
      int recvFrom = selfIsLo ? half : 0;
      int recvLen = bytes.length - sendLen;
      StreamCounters sc = link.sendCounters.withGenerated(link.sendCounters.generated() + sendLen);
      StreamCounters rc = link.recvCounters.withGenerated(link.recvCounters.generated() + recvLen);
      long first = link.lastFrame < 0 ? frameId : link.firstFrame;
      try (WriteBatch batch = new WriteBatch()) {
        putChunk(batch, link.send, link.sendCounters.generated(), bytes, sendFrom, sendLen);
        putChunk(batch, link.recv, link.recvCounters.generated(), bytes, recvFrom, recvLen);
        batch.put(StoreKeys.counters(link.send), sc.encode());
        batch.put(StoreKeys.counters(link.recv), rc.encode());
        batch.put(
            StoreKeys.lastFrame(link.send.to()),
            ByteBuffer.allocate(16).putLong(first).putLong(frameId).array());
        rocks.write(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build frame batch: " + e.getMessage(), e);
      }
      link.sendCounters = sc;
      link.recvCounters = rc;
      link.firstFrame = first;
      link.lastFrame = frameId;
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static void putChunk(
      WriteBatch batch, StreamId s, long offset, byte[] src, int from, int len)
      throws RocksDBException {
    if (len == 0) {
      return;
    }
    byte[] chunk = Arrays.copyOfRange(src, from, from + len);
    try {
      batch.put(StoreKeys.chunk(s, offset), chunk);
    } finally {
      Arrays.fill(chunk, (byte) 0);
    }
  }

  // ---- sender side ---------------------------------------------------------------------------

  /**
   * Reserves {@code length} bytes of the stream self→peer for relay {@code relayId}, durably,
   * before any byte encrypted with them may leave the process (write-ahead reservation).
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
          Link link = link(peer);
          synchronized (link) {
            StreamCounters c = link.sendCounters;
            long available = c.generated() - c.cursor();
            if (length > available) {
              throw new PoolExhaustedException(link.send, length, available);
            }
            PadReservation r = new PadReservation(link.send, c.cursor(), length, relayId);
            StreamCounters next = c.plus(length, length, 0, 0);
            try (WriteBatch batch = new WriteBatch()) {
              batch.put(
                  StoreKeys.reservation(link.send, r.offset()),
                  new ReservationRecord(State.RESERVED, length, relayId).encode());
              batch.put(StoreKeys.pending(link.send, r.offset()), new byte[0]);
              batch.put(StoreKeys.counters(link.send), next.encode());
              rocks.write(batch);
            } catch (RocksDBException e) {
              throw new KeyStoreFailedException("cannot build reserve batch: " + e.getMessage(), e);
            }
            CrashPoints.hit("keystore.afterReserveSync");
            link.sendCounters = next;
            return r;
          }
        });
  }

  /**
   * The pad of a reservation that is RESERVED or USED (a retried hop resends the identical
   * ciphertext). The caller owns the result and should zeroize it.
   */
  public KeyMaterial padBytes(PadReservation r) {
    Objects.requireNonNull(r, "reservation");
    return guarded(
        () -> {
          Link link = ownLink(r);
          synchronized (link) {
            ReservationRecord rec = findReservation(r);
            if (rec.state() == State.BURNED) {
              throw new IllegalStateException(
                  "reservation " + describe(r) + " is burned; its pad must not be used");
            }
            return KeyMaterial.wrap(
                rocks.readChunks(StoreKeys.chunkPrefix(r.stream()), r.offset(), r.length()));
          }
        });
  }

  /** RESERVED → USED, synced. Repeating it is a no-op; after a burn it is an error. */
  public void markUsed(PadReservation r) {
    settle(r, State.USED);
  }

  /** RESERVED → BURNED, synced. Repeating it is a no-op; after markUsed it is an error. */
  public void burn(PadReservation r) {
    settle(r, State.BURNED);
  }

  private void settle(PadReservation r, State target) {
    Objects.requireNonNull(r, "reservation");
    guarded(
        () -> {
          Link link = ownLink(r);
          synchronized (link) {
            ReservationRecord rec = findReservation(r);
            if (rec.state() == target) {
              return null;
            }
            if (rec.state() != State.RESERVED) {
              throw new IllegalStateException(
                  "reservation " + describe(r) + " is already " + rec.state() + ", not " + target);
            }
            int n = r.length();
            StreamCounters next =
                link.sendCounters.plus(
                    0, -n, target == State.USED ? n : 0, target == State.BURNED ? n : 0);
            try (WriteBatch batch = new WriteBatch()) {
              batch.put(StoreKeys.reservation(r.stream(), r.offset()), rec.withState(target).encode());
              batch.delete(StoreKeys.pending(r.stream(), r.offset()));
              batch.put(StoreKeys.counters(r.stream()), next.encode());
              rocks.write(batch);
            } catch (RocksDBException e) {
              throw new KeyStoreFailedException("cannot build settle batch: " + e.getMessage(), e);
            }
            link.sendCounters = next;
            return null;
          }
        });
  }

  private Link ownLink(PadReservation r) {
    if (!r.stream().from().equals(self)) {
      throw new IllegalArgumentException(
          "reservation " + describe(r) + " is not on a stream sent by " + self);
    }
    return link(r.stream().to());
  }

  private ReservationRecord findReservation(PadReservation r) {
    byte[] raw = rocks.get(StoreKeys.reservation(r.stream(), r.offset()));
    ReservationRecord rec = raw == null ? null : ReservationRecord.decode(raw);
    if (rec == null || !rec.matches(r)) {
      throw new IllegalArgumentException("no reservation " + describe(r) + " in this store");
    }
    return rec;
  }

  private static String describe(PadReservation r) {
    return r.stream() + " [" + r.offset() + ", +" + r.length() + ") of relay " + r.relayId();
  }

  // ---- receiver side -------------------------------------------------------------------------

  /**
   * Accepts pad {@code [offset, offset+length)} of stream peer→self for relay {@code relayId}:
   * only inside the generated part and overlapping nothing accepted or burned before (the
   * replay defence). Recorded USED, synced, before the bytes are returned.
   *
   * @throws PadRangeRejectedException with the reason; nothing changes then
   */
  public KeyMaterial acceptIncoming(String peer, long offset, int length, String relayId) {
    checkRelayId(relayId);
    return guarded(
        () -> {
          Link link = link(peer);
          if (offset < 0 || length <= 0 || offset > Long.MAX_VALUE - length) {
            throw new PadRangeRejectedException(Reason.INVALID_RANGE, link.recv, offset, length);
          }
          long end = offset + length;
          synchronized (link) {
            if (end > link.recvCounters.generated()) {
              throw new PadRangeRejectedException(
                  Reason.NOT_GENERATED_YET, link.recv, offset, length);
            }
            if (link.recvRuns.overlaps(offset, end)) {
              throw new PadRangeRejectedException(Reason.OVERLAPS_USED, link.recv, offset, length);
            }
            byte[] pad = rocks.readChunks(StoreKeys.chunkPrefix(link.recv), offset, length);
            try {
              commitRuns(link, link.recvRuns.planAccept(offset, end));
            } catch (RuntimeException e) {
              Arrays.fill(pad, (byte) 0);
              throw e;
            }
            RunSet.Change fold = link.recvRuns.planFold(maxRuns);
            if (fold != null) {
              commitRuns(link, fold);
            }
            return KeyMaterial.wrap(pad);
          }
        });
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
          Link link = link(peer);
          synchronized (link) {
            RunSet.Change c = link.recvRuns.planBurn(offset, offset + length);
            if (c.usedDelta() != 0 || c.burnedDelta() != 0) {
              commitRuns(link, c);
            }
            return null;
          }
        });
  }

  private void commitRuns(Link link, RunSet.Change c) {
    StreamCounters next =
        link.recvCounters.plus(0, 0, c.usedDelta(), c.burnedDelta()).withWatermark(c.watermark());
    try (WriteBatch batch = new WriteBatch()) {
      for (long start : c.removed()) {
        batch.delete(StoreKeys.run(link.recv, start));
      }
      for (RunSet.Run r : c.added()) {
        batch.put(StoreKeys.run(link.recv, r.start()), r.encodeValue());
      }
      batch.put(StoreKeys.counters(link.recv), next.encode());
      rocks.write(batch);
    } catch (RocksDBException e) {
      throw new KeyStoreFailedException("cannot build run batch: " + e.getMessage(), e);
    }
    link.recvRuns.apply(c);
    link.recvCounters = next;
  }

  // ---- ledger --------------------------------------------------------------------------------

  /** The accounting of a stream of one of this station's links, sender or receiver view. */
  public Ledger ledger(StreamId s) {
    Objects.requireNonNull(s, "stream");
    return guarded(
        () -> {
          boolean sending = s.from().equals(self);
          if (!sending && !s.to().equals(self)) {
            throw new IllegalArgumentException("stream " + s + " does not touch station " + self);
          }
          Link link = link(sending ? s.to() : s.from());
          synchronized (link) {
            if (sending) {
              StreamCounters c = link.sendCounters;
              return new Ledger(
                  c.generated(), c.generated() - c.cursor(), c.reserved(), c.used(), c.burned());
            }
            StreamCounters c = link.recvCounters;
            return new Ledger(
                c.generated(), c.generated() - c.used() - c.burned(), 0, c.used(), c.burned());
          }
        });
  }

  public long availableToSend(String peer) {
    return ledger(new StreamId(self, peer)).available();
  }

  // ---- delivered keys ------------------------------------------------------------------------

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
   * All keys, in order, or an empty list (nothing deleted) if any is unknown, not the caller's,
   * or named twice.
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

  // ---- plumbing ------------------------------------------------------------------------------

  private Link link(String peer) {
    StreamId.checkStationId(peer, "peer");
    if (peer.equals(self)) {
      throw new IllegalArgumentException("station " + self + " has no link to itself");
    }
    return links.computeIfAbsent(peer, this::loadLink);
  }

  private Link loadLink(String peer) {
    StreamId send = new StreamId(self, peer);
    StreamId recv = send.reversed();
    byte[] frames = rocks.get(StoreKeys.lastFrame(peer));
    long first = frames == null ? -1 : ByteBuffer.wrap(frames).getLong(0);
    long last = frames == null ? -1 : ByteBuffer.wrap(frames).getLong(8);
    StreamCounters rc = readCounters(rocks, recv);
    List<RunSet.Run> runs = new ArrayList<>();
    rocks.forEach(
        StoreKeys.runPrefix(recv),
        (k, v) -> runs.add(RunSet.Run.decode(StoreKeys.offsetOf(k), v)));
    return new Link(
        send, first, last, readCounters(rocks, send), rc, new RunSet(rc.watermark(), runs));
  }

  private static void checkRelayId(String relayId) {
    Objects.requireNonNull(relayId, "relayId");
    if (relayId.isBlank() || relayId.length() > MAX_RELAY_ID_LENGTH) {
      throw new IllegalArgumentException(
          "relay id must be 1.." + MAX_RELAY_ID_LENGTH + " non-blank characters");
    }
  }

  /** Runs {@code op} while the store is open; close waits for running calls. */
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
