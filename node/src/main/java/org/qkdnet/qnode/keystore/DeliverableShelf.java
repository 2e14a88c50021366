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

/**
 * Relayed keys waiting for their slave SAE (invariant I2): fetched once, only by the designated
 * slave for the named master, and durably deleted when fetched.
 *
 * <p>A fetch is two steps when it is answered over the network ({@link #handOut}, then
 * {@link #delivered} or {@link #notDelivered}): a key handed out is marked durably and invisible to
 * every other fetch, and is deleted only once its answer went out. If the station dies in
 * between, the key waits again after the restart (the answer cannot have been sent), so a crash
 * between taking a key and answering does not lose it.
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
  private final java.util.function.LongSupplier millis;
  /** When each waiting key was stored, and the same ordered by time (for expiry). */
  private final Map<String, Long> storedAt = new HashMap<>();
  private final java.util.TreeSet<Stamp> byTime = new java.util.TreeSet<>();
  /** Keys handed out in an answer not yet known to be sent (not counted, not fetchable). */
  private final Set<String> handedOut = new HashSet<>();
  /** Handed-out marks found at open and undone (answers a crash or stop cut off). */
  private final int returnedAtOpen;

  private record Stamp(long at, String keyId) implements Comparable<Stamp> {
    @Override
    public int compareTo(Stamp o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : keyId.compareTo(o.keyId);
    }
  }

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

  DeliverableShelf(RocksStore rocks, java.util.function.LongSupplier millis) {
    this.rocks = rocks;
    this.millis = millis;
    List<String> ids = new ArrayList<>();
    rocks.forEach(
        StoreKeys.deliverablePrefix(),
        (k, v) -> {
          Entry e = Entry.decode(v);
          e.clear();
          countBySlave.merge(e.slaveSae(), 1L, Long::sum);
          ids.add(StoreKeys.keyIdOf(k));
        });
    rocks.forEach(StoreKeys.storedAtPrefix(), (k, v) -> {
      if (v.length == Long.BYTES) {
        stamp(StoreKeys.keyIdOf(k), ByteBuffer.wrap(v).getLong());
      }
    });
    // keys stored before stamps existed (or whose stamp is damaged) expire from now
    List<String> unstamped = ids.stream().filter(id -> !storedAt.containsKey(id)).toList();
    if (!unstamped.isEmpty()) {
      long now = millis.getAsLong();
      try (StoreBatch batch = rocks.batch()) {
        for (String id : unstamped) {
          batch.put(StoreKeys.storedAt(id), ByteBuffer.allocate(Long.BYTES).putLong(now).array());
        }
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot stamp deliverable keys: " + e.getMessage(), e);
      }
      unstamped.forEach(id -> stamp(id, now));
    }
    // stamps whose key is gone (a fetch that deleted the key but crashed before the stamp) go
    List<String> orphans = storedAt.keySet().stream().filter(id -> !ids.contains(id)).toList();
    if (!orphans.isEmpty()) {
      try (StoreBatch batch = rocks.batch()) {
        for (String id : orphans) {
          batch.delete(StoreKeys.storedAt(id));
        }
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot delete stale stamps: " + e.getMessage(), e);
      }
      orphans.forEach(this::unstamp);
    }
    // a key handed out before a crash or stop: its answer was never known to be sent, so it waits
    // again for its slave (the mark alone goes; a mark whose key is gone was delivered)
    List<byte[]> marks = new ArrayList<>();
    rocks.forEach(StoreKeys.handedOutPrefix(), (k, v) -> marks.add(k));
    int returned = 0;
    if (!marks.isEmpty()) {
      try (StoreBatch batch = rocks.batch()) {
        for (byte[] k : marks) {
          batch.delete(k);
          if (ids.contains(StoreKeys.keyIdOf(k))) {
            returned++;
          }
        }
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot return handed-out keys: " + e.getMessage(), e);
      }
    }
    this.returnedAtOpen = returned;
  }

  /** How many keys handed out before the last crash or stop were waiting again at open. */
  int returnedAtOpen() {
    return returnedAtOpen;
  }

  private void stamp(String keyId, long at) {
    Long old = storedAt.put(keyId, at);
    if (old != null) {
      byTime.remove(new Stamp(old, keyId));
    }
    byTime.add(new Stamp(at, keyId));
  }

  private void unstamp(String keyId) {
    Long at = storedAt.remove(keyId);
    if (at != null) {
      byTime.remove(new Stamp(at, keyId));
    }
  }

  /**
   * Unsynced: deletes every key stored before {@code cutoffMillis} (not fetched in time) and
   * returns how many went, per slave SAE. A deletion lost in a crash is repeated at the next sweep.
   */
  Map<String, Integer> expire(long cutoffMillis) {
    lock();
    try {
      List<String> due = new ArrayList<>();
      for (Stamp st : byTime) {
        if (st.at() >= cutoffMillis) {
          break;
        }
        due.add(st.keyId());
      }
      if (due.isEmpty()) {
        return Map.of();
      }
      Map<String, Integer> bySlave = new HashMap<>();
      Map<String, Integer> counted = new HashMap<>();
      try (StoreBatch batch = rocks.batch()) {
        for (String id : due) {
          byte[] v = rocks.get(StoreKeys.deliverable(id));
          if (v != null) {
            Entry e = Entry.decode(v);
            e.clear();
            bySlave.merge(e.slaveSae(), 1, Integer::sum);
            if (!handedOut.contains(id)) {
              counted.merge(e.slaveSae(), 1, Integer::sum);
            }
            batch.delete(StoreKeys.deliverable(id));
          }
          batch.delete(StoreKeys.storedAt(id));
          batch.delete(StoreKeys.handedOut(id));
        }
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build expiry batch: " + e.getMessage(), e);
      }
      due.forEach(this::unstamp);
      due.forEach(handedOut::remove);
      counted.forEach((slave, n) -> countBySlave.merge(slave, -(long) n, Long::sum));
      countBySlave.values().removeIf(c -> c <= 0);
      return bySlave;
    } finally {
      unlock();
    }
  }

  /** Every waiting key's id, master and slave (no key bytes). */
  List<DeliverableInfo> list() {
    lock();
    try {
      List<DeliverableInfo> out = new ArrayList<>();
      rocks.forEach(StoreKeys.deliverablePrefix(), (k, v) -> {
        Entry e = Entry.decode(v);
        e.clear();
        out.add(new DeliverableInfo(StoreKeys.keyIdOf(k), e.masterSae(), e.slaveSae()));
      });
      return out;
    } finally {
      unlock();
    }
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
      try (StoreBatch batch = rocks.batch()) {
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

  /** Puts the keys and their stamps; returns the stamp time for {@link #applyStored}. */
  long put(StoreBatch batch, List<DeliverableKey> keys) throws RocksDBException {
    long now = millis.getAsLong();
    byte[] at = ByteBuffer.allocate(Long.BYTES).putLong(now).array();
    for (DeliverableKey k : keys) {
      byte[] value = encode(k);
      try {
        batch.put(StoreKeys.deliverable(k.keyId()), value);
        batch.put(StoreKeys.storedAt(k.keyId()), at);
      } finally {
        Arrays.fill(value, (byte) 0);
      }
    }
    return now;
  }

  /** Lock held; only after the batch was written. */
  void applyStored(List<DeliverableKey> keys) {
    long now = millis.getAsLong();
    for (DeliverableKey k : keys) {
      countBySlave.merge(k.slaveSae(), 1L, Long::sum);
      stamp(k.keyId(), now);
    }
  }

  Optional<KeyMaterial> take(String keyId, String callerSae, String masterSae) {
    List<Optional<KeyMaterial>> got = takeAll(List.of(keyId), callerSae, masterSae);
    return got.isEmpty() ? Optional.empty() : got.get(0);
  }

  /**
   * Unsynced: takes and deletes the keys (fetched once); the caller syncs before handing them out,
   * and clears them if that fails.
   */
  List<Optional<KeyMaterial>> takeAll(List<String> keyIds, String callerSae, String masterSae) {
    return take(keyIds, callerSae, masterSae, true);
  }

  /**
   * Unsynced: takes the keys for an answer that is still to be sent. They stay stored, marked as
   * handed out: no other fetch finds them, and they are not counted. The caller syncs before
   * handing them out, then says {@link #delivered} or {@link #notDelivered}.
   */
  List<Optional<KeyMaterial>> handOut(List<String> keyIds, String callerSae, String masterSae) {
    return take(keyIds, callerSae, masterSae, false);
  }

  /** Unsynced: the answer with these handed-out keys went out; they are deleted for good. */
  void delivered(List<String> keyIds) {
    lock();
    try {
      List<String> mine = keyIds.stream().filter(handedOut::contains).toList();
      if (mine.isEmpty()) {
        return;
      }
      try (StoreBatch batch = rocks.batch()) {
        for (String id : mine) {
          batch.delete(StoreKeys.deliverable(id));
          batch.delete(StoreKeys.storedAt(id));
          batch.delete(StoreKeys.handedOut(id));
        }
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build delete batch: " + e.getMessage(), e);
      }
      mine.forEach(this::unstamp);
      mine.forEach(handedOut::remove);
    } finally {
      unlock();
    }
  }

  /** Unsynced: the answer with these handed-out keys was not sent; they wait for the slave again. */
  void notDelivered(List<String> keyIds) {
    lock();
    try {
      List<String> mine = keyIds.stream().filter(handedOut::contains).toList();
      if (mine.isEmpty()) {
        return;
      }
      Map<String, Long> bySlave = new HashMap<>();
      try (StoreBatch batch = rocks.batch()) {
        for (String id : mine) {
          byte[] v = rocks.get(StoreKeys.deliverable(id));
          if (v != null) {
            Entry e = Entry.decode(v);
            e.clear();
            bySlave.merge(e.slaveSae(), 1L, Long::sum);
          }
          batch.delete(StoreKeys.handedOut(id));
        }
        rocks.writeUnsynced(batch);
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build return batch: " + e.getMessage(), e);
      }
      mine.forEach(handedOut::remove);
      bySlave.forEach((slave, n) -> countBySlave.merge(slave, n, Long::sum));
    } finally {
      unlock();
    }
  }

  private List<Optional<KeyMaterial>> take(
      List<String> keyIds, String callerSae, String masterSae, boolean delete) {
    lock();
    try {
      if (keyIds.isEmpty() || new HashSet<>(keyIds).size() != keyIds.size()) {
        return List.of();
      }
      List<Entry> found = new ArrayList<>();
      for (String id : keyIds) {
        byte[] v = handedOut.contains(id) ? null : rocks.get(StoreKeys.deliverable(id));
        Entry e = v == null ? null : Entry.decode(v);
        if (e == null || !e.belongsTo(callerSae, masterSae)) {
          // Same answer for "unknown", "being answered" and "not yours": the caller learns nothing.
          if (e != null) {
            e.clear();
          }
          found.forEach(Entry::clear);
          return List.of();
        }
        found.add(e);
      }
      boolean written = false;
      try (StoreBatch batch = rocks.batch()) {
        for (String id : keyIds) {
          if (delete) {
            batch.delete(StoreKeys.deliverable(id));
            batch.delete(StoreKeys.storedAt(id));
          } else {
            batch.put(StoreKeys.handedOut(id), new byte[0]);
          }
        }
        rocks.writeUnsynced(batch);
        written = true;
      } catch (RocksDBException e) {
        throw new KeyStoreFailedException("cannot build fetch batch: " + e.getMessage(), e);
      } finally {
        if (!written) {
          found.forEach(Entry::clear);
        }
      }
      countBySlave.merge(callerSae, -(long) found.size(), Long::sum);
      if (delete) {
        keyIds.forEach(this::unstamp);
      } else {
        handedOut.addAll(keyIds);
      }
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

  static byte[] encode(DeliverableKey k) {
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
