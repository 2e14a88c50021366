package org.qkdnet.qnode.keystore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.qkdnet.qnode.keystore.ReservationRecord.State;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/** What happens once when a station store opens: identity check and in-doubt burning. */
final class StoreRecovery {
  /**
   * 2: fresh key waits unassigned and is given to a direction on demand (docs/key-supply.md).
   * 1: every frame was split half/half between the directions at append.
   */
  static final int FORMAT_VERSION = 2;

  private StoreRecovery() {}

  /** Stamps a new store, or checks that an old one has our format and belongs to {@code self}. */
  static void checkIdentity(RocksStore rocks, Path dir, String self) {
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
    if (version != null && version.length == 4 && ByteBuffer.wrap(version).getInt() == 1) {
      migrateFromSplitFrames(rocks);
      version = rocks.get(StoreKeys.FORMAT_VERSION);
    }
    if (version == null
        || version.length != 4
        || ByteBuffer.wrap(version).getInt() != FORMAT_VERSION) {
      throw new IllegalStateException(
          "key store at " + dir + " has an unknown format (expected " + FORMAT_VERSION + ")");
    }
    String stored = owner == null ? "" : new String(owner, StandardCharsets.UTF_8);
    if (!stored.equals(self)) {
      throw new IllegalArgumentException(
          "key store at " + dir + " belongs to station '" + stored + "', not '" + self + "'");
    }
  }

  /**
   * Format 1 split every frame between the two directions when it was appended: all key a link
   * held is assigned. Format 2 keeps the same streams and starts its link stream after them, so
   * both ends (which held the same frames) continue from the same link offset with entry 0.
   */
  private static void migrateFromSplitFrames(RocksStore rocks) {
    String self = new String(rocks.get(StoreKeys.SELF_ID), StandardCharsets.UTF_8);
    List<String> peers = new ArrayList<>();
    rocks.forEach(StoreKeys.lastFramePrefix(), (k, v) -> peers.add(StoreKeys.lastFramePeer(k)));
    try (WriteBatch batch = new WriteBatch()) {
      for (String peer : peers) {
        long linkBytes = readCounters(rocks, new StreamId(self, peer)).generated()
            + readCounters(rocks, new StreamId(peer, self)).generated();
        batch.put(StoreKeys.supply(peer), new SupplyCounters(linkBytes, linkBytes, 0, 0).encode());
      }
      batch.put(StoreKeys.FORMAT_VERSION, ByteBuffer.allocate(4).putInt(FORMAT_VERSION).array());
      rocks.write(batch);
    } catch (RocksDBException e) {
      throw new KeyStoreFailedException("cannot migrate key store to format " + FORMAT_VERSION + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * RELIABILITY.md §3: a reservation whose use is unknown after a crash is burned, never
   * returned to available. One synced batch, so a crash during recovery just repeats it.
   */
  static void burnInDoubt(RocksStore rocks) {
    List<byte[]> pending = new ArrayList<>();
    rocks.forEach(StoreKeys.pendingPrefix(), (k, v) -> pending.add(k));
    if (pending.isEmpty()) {
      return;
    }
    Map<StreamId, StreamCounters> counters = new HashMap<>();
    try (WriteBatch batch = new WriteBatch()) {
      for (byte[] key : pending) {
        StreamId stream = StoreKeys.streamOf(key);
        long offset = StoreKeys.offsetOf(key);
        byte[] rkey = StoreKeys.reservation(stream, offset);
        byte[] raw = rocks.get(rkey);
        batch.delete(key);
        ReservationRecord rec = raw == null ? null : ReservationRecord.decode(raw);
        if (rec == null || rec.state() != State.RESERVED) {
          continue;
        }
        batch.put(rkey, rec.withState(State.BURNED).encode());
        StreamCounters c = counters.computeIfAbsent(stream, s -> readCounters(rocks, s));
        counters.put(stream, c.plus(0, -rec.length(), 0, rec.length()));
      }
      for (Map.Entry<StreamId, StreamCounters> e : counters.entrySet()) {
        batch.put(StoreKeys.counters(e.getKey()), e.getValue().encode());
      }
      rocks.write(batch);
    } catch (RocksDBException e) {
      throw new KeyStoreFailedException("cannot burn in-doubt reservations: " + e.getMessage(), e);
    }
  }

  static StreamCounters readCounters(RocksStore rocks, StreamId s) {
    byte[] raw = rocks.get(StoreKeys.counters(s));
    return raw == null ? StreamCounters.EMPTY : StreamCounters.decode(raw);
  }
}
