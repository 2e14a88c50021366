package org.qkdnet.qnode.keystore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import org.qkdnet.qnode.crypto.KeyEncryptionKey;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.crypto.RecordCipher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.qkdnet.qnode.keystore.ReservationRecord.State;
import org.rocksdb.RocksDBException;

/** What happens once when a station store opens: identity check and in-doubt burning. */
final class StoreRecovery {
  /**
   * 3: every key record is sealed under a data key wrapped by the station's KEK.
   * 2: fresh key waits unassigned and is given to a direction on demand (docs/key-supply.md).
   * 1: every frame was split half/half between the directions at append.
   */
  static final int FORMAT_VERSION = 3;

  private StoreRecovery() {}

  /**
   * Stamps a new store with a fresh data key wrapped by {@code kek}, or checks that an old one
   * has our format and belongs to {@code self} and opens its data key; older formats are brought
   * up to date (format 2 stores are sealed whole, in one synced batch).
   */
  static void checkIdentity(RocksStore rocks, Path dir, String self, KeyEncryptionKey kek) {
    byte[] version = rocks.get(StoreKeys.FORMAT_VERSION);
    byte[] owner = rocks.get(StoreKeys.SELF_ID);
    if (version == null && owner == null) {
      try (KeyMaterial dek = RecordCipher.newKey(); StoreBatch batch = rocks.batch()) {
        batch.put(StoreKeys.FORMAT_VERSION, ByteBuffer.allocate(4).putInt(FORMAT_VERSION).array());
        batch.put(StoreKeys.SELF_ID, self.getBytes(StandardCharsets.UTF_8));
        batch.put(StoreKeys.DATA_KEY, wrap(kek, self, dek));
        rocks.write(batch);
        rocks.useDataKey(RecordCipher.of(dek));
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot initialize key store: " + e.getMessage(), e);
      }
      return;
    }
    String stored = owner == null ? "" : new String(owner, StandardCharsets.UTF_8);
    if (!stored.equals(self)) {
      throw new IllegalArgumentException(
          "key store at " + dir + " belongs to station '" + stored + "', not '" + self + "'");
    }
    if (version != null && version.length == 4 && ByteBuffer.wrap(version).getInt() == 1) {
      migrateFromSplitFrames(rocks);
      version = rocks.get(StoreKeys.FORMAT_VERSION);
    }
    if (version != null && version.length == 4 && ByteBuffer.wrap(version).getInt() == 2) {
      sealWholeStore(rocks, self, kek);
      version = rocks.get(StoreKeys.FORMAT_VERSION);
    }
    if (version == null
        || version.length != 4
        || ByteBuffer.wrap(version).getInt() != FORMAT_VERSION) {
      throw new IllegalStateException(
          "key store at " + dir + " has an unknown format (expected " + FORMAT_VERSION + ")");
    }
    if (!rocks.hasDataKey()) {
      byte[] wrapped = rocks.get(StoreKeys.DATA_KEY);
      if (wrapped == null) {
        throw new IllegalStateException("key store at " + dir + " has no data key record (damaged store)");
      }
      rocks.useDataKey(unwrap(kek, self, wrapped, dir));
    }
  }

  private static byte[] dataKeyAad(String self) {
    return ("qnode store data key|" + self).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] wrap(KeyEncryptionKey kek, String self, KeyMaterial dek) {
    byte[] raw = dek.copyBytes();
    try (RecordCipher c = kek.cipher()) {
      return c.seal(dataKeyAad(self), raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  private static RecordCipher unwrap(KeyEncryptionKey kek, String self, byte[] wrapped, Path dir) {
    byte[] raw;
    try (RecordCipher c = kek.cipher()) {
      raw = c.open(dataKeyAad(self), wrapped);
    } catch (RecordCipher.SealedRecordException e) {
      throw new IllegalArgumentException("key store at " + dir + ": the key-encryption key " + kek.file()
          + " does not open this store's data key (another station's or an older KEK file?)");
    }
    try (KeyMaterial dek = KeyMaterial.wrap(raw)) {
      return RecordCipher.of(dek);
    }
  }

  /**
   * Format 2 stored key records in the clear. One synced batch gives the store a data key and
   * rewrites every key record sealed; a crash before it leaves the store at format 2 (done again
   * at the next start), after it at format 3. The old clear values are then deleted values in the
   * files, gone at the compaction started here.
   */
  private static void sealWholeStore(RocksStore rocks, String self, KeyEncryptionKey kek) {
    try (KeyMaterial dek = RecordCipher.newKey(); StoreBatch batch = rocks.batch()) {
      rocks.useDataKey(RecordCipher.of(dek));
      int[] n = {0};
      for (byte[] prefix : StoreKeys.secretPrefixes()) {
        rocks.forEachRaw(prefix, (k, v) -> {
          try {
            batch.put(k, v);
            n[0]++;
          } catch (RocksDBException e) {
            throw new KeyStoreFailedException("cannot seal key store record: " + e.getMessage(), e);
          } finally {
            Arrays.fill(v, (byte) 0);
          }
        });
      }
      batch.put(StoreKeys.DATA_KEY, wrap(kek, self, dek));
      batch.put(StoreKeys.FORMAT_VERSION, ByteBuffer.allocate(4).putInt(FORMAT_VERSION).array());
      rocks.write(batch);
      rocks.noteDeleted(Math.max(n[0], RocksStore.COMPACT_AFTER_DELETES));
    } catch (RocksDBException e) {
      throw new KeyStoreFailedException("cannot seal key store: " + e.getMessage(), e);
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
    try (StoreBatch batch = rocks.batch()) {
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
    try (StoreBatch batch = rocks.batch()) {
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
