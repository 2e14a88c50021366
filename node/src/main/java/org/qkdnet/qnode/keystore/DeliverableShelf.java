package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.KeyMaterial;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Relayed keys waiting for their slave SAE (invariant I2): fetched once, only by the designated
 * slave for the named master, and durably deleted when fetched.
 *
 * <p>Like {@link LinkPool}, changes are written in lock order without waiting for the disk; the
 * caller syncs ({@link RocksStore#sync}) after releasing the lock and before acknowledging or
 * handing out a key. Methods named {@code *Locked} and the check/put/apply steps require
 * {@link #lock()} held; a link's lock may be held around them, never the other way round.
 */
final class DeliverableShelf {
  private final RocksStore rocks;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Long> countBySlave = new HashMap<>();

  private record Entry(String masterSae, String slaveSae, byte[] key) {
    static Entry decode(byte[] v) {
      ByteBuffer buf = ByteBuffer.wrap(v);
      String master = StoreKeys.readString(buf);
      String slave = StoreKeys.readString(buf);
      byte[] key = new byte[buf.remaining()];
      buf.get(key);
      Arrays.fill(v, (byte) 0);
      return new Entry(master, slave, key);
    }

    boolean belongsTo(String callerSae, String master) {
      return slaveSae.equals(callerSae) && masterSae.equals(master);
    }

    void clear() {
      Arrays.fill(key, (byte) 0);
    }
  }

  DeliverableShelf(RocksStore rocks) {
    this.rocks = rocks;
    rocks.forEach(
        StoreKeys.deliverablePrefix(),
        (k, v) -> {
          Entry e = Entry.decode(v);
          e.clear();
          countBySlave.merge(e.slaveSae(), 1L, Long::sum);
        });
  }

  void lock() {
    lock.lock();
  }

  void unlock() {
    lock.unlock();
  }

  /** Unsynced: the caller syncs before acknowledging. */
  void store(List<DeliverableKey> keys) {
    lock();
    try {
      checkNewLocked(keys);
      try (WriteBatch batch = new WriteBatch()) {
        put(batch, keys);
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build deliverable batch: " + e.getMessage(), e);
      }
      applyStored(keys);
    } finally {
      unlock();
    }
  }

  /** Lock held: throws if a key id is named twice or already stored; changes nothing. */
  void checkNewLocked(List<DeliverableKey> keys) {
    Set<String> ids = new HashSet<>();
    for (DeliverableKey k : keys) {
      if (!ids.add(k.keyId()) || rocks.get(StoreKeys.deliverable(k.keyId())) != null) {
        throw new IllegalArgumentException("duplicate key id " + k.keyId() + "; nothing stored");
      }
    }
  }

  void put(WriteBatch batch, List<DeliverableKey> keys) throws RocksDBException {
    for (DeliverableKey k : keys) {
      byte[] value = encode(k);
      try {
        batch.put(StoreKeys.deliverable(k.keyId()), value);
      } finally {
        Arrays.fill(value, (byte) 0);
      }
    }
  }

  /** Lock held; only after the batch was written. */
  void applyStored(List<DeliverableKey> keys) {
    for (DeliverableKey k : keys) {
      countBySlave.merge(k.slaveSae(), 1L, Long::sum);
    }
  }

  Optional<KeyMaterial> take(String keyId, String callerSae, String masterSae) {
    List<Optional<KeyMaterial>> got = takeAll(List.of(keyId), callerSae, masterSae);
    return got.isEmpty() ? Optional.empty() : got.get(0);
  }

  /** Unsynced: the caller syncs before handing out the keys, and clears them if that fails. */
  List<Optional<KeyMaterial>> takeAll(List<String> keyIds, String callerSae, String masterSae) {
    lock();
    try {
      if (keyIds.isEmpty() || new HashSet<>(keyIds).size() != keyIds.size()) {
        return List.of();
      }
      List<Entry> found = new ArrayList<>();
      for (String id : keyIds) {
        byte[] v = rocks.get(StoreKeys.deliverable(id));
        Entry e = v == null ? null : Entry.decode(v);
        if (e == null || !e.belongsTo(callerSae, masterSae)) {
          // Same answer for "unknown" and "not yours": the caller learns nothing.
          if (e != null) {
            e.clear();
          }
          found.forEach(Entry::clear);
          return List.of();
        }
        found.add(e);
      }
      boolean deleted = false;
      try (WriteBatch batch = new WriteBatch()) {
        for (String id : keyIds) {
          batch.delete(StoreKeys.deliverable(id));
        }
        rocks.writeUnsynced(batch);
        deleted = true;
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build delete batch: " + e.getMessage(), e);
      } finally {
        if (!deleted) {
          found.forEach(Entry::clear);
        }
      }
      countBySlave.merge(callerSae, -(long) found.size(), Long::sum);
      List<Optional<KeyMaterial>> out = new ArrayList<>(found.size());
      for (Entry e : found) {
        out.add(Optional.of(KeyMaterial.wrap(e.key())));
      }
      return out;
    } finally {
      unlock();
    }
  }

  long count(String slaveSae) {
    lock();
    try {
      return countBySlave.getOrDefault(slaveSae, 0L);
    } finally {
      unlock();
    }
  }

  private static byte[] encode(DeliverableKey k) {
    byte[] master = k.masterSae().getBytes(StandardCharsets.UTF_8);
    byte[] slave = k.slaveSae().getBytes(StandardCharsets.UTF_8);
    byte[] key = k.key().copyBytes();
    try {
      return ByteBuffer.allocate(4 + master.length + slave.length + key.length)
          .putShort(checkedLength(master, "masterSae"))
          .put(master)
          .putShort(checkedLength(slave, "slaveSae"))
          .put(slave)
          .put(key)
          .array();
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static short checkedLength(byte[] b, String what) {
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException(what + " too long: " + b.length + " bytes");
    }
    return (short) b.length;
  }
}
