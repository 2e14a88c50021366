package org.qkdnet.qnode.keystore;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * A batch of writes to a {@link RocksStore}. The only way to write to it, so that every record
 * that holds key material ({@link StoreKeys#isSecret}) is sealed on its way in: such a value is
 * encrypted under the store's data key with its record key as associated data.
 */
final class StoreBatch implements AutoCloseable {
  private final RocksStore rocks;
  final WriteBatch batch = new WriteBatch();
  /** Key records this batch deletes (a range counts once): counted toward the next compaction. */
  int secretDeletes;

  StoreBatch(RocksStore rocks) {
    this.rocks = rocks;
  }

  /** Puts {@code value}, sealed if the record holds key material; the caller keeps (and clears) it. */
  void put(byte[] key, byte[] value) throws RocksDBException {
    batch.put(key, StoreKeys.isSecret(key) ? rocks.seal(key, value) : value);
  }

  void delete(byte[] key) throws RocksDBException {
    batch.delete(key);
    if (StoreKeys.isSecret(key)) {
      secretDeletes++;
    }
  }

  /** Deletes every record in {@code [from, to)} (one range tombstone). */
  void deleteRange(byte[] from, byte[] to) throws RocksDBException {
    batch.deleteRange(from, to);
    if (StoreKeys.isSecret(from)) {
      secretDeletes++;
    }
  }

  @Override
  public void close() {
    batch.close();
  }
}
