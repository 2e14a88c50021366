package org.qkdnet.qnode.keystore;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One small RocksDB instance with synced writes. Sized for 25 stations in one JVM: a 4 MB
 * write buffer, a 1 MB block cache, two background jobs.
 *
 * <p>Every write goes through the WAL (never {@code disableWAL}: facebook/rocksdb #1339).
 * Callers that must keep the order of their writes (a stream's counters are overwritten whole)
 * write under their own lock without waiting for the disk ({@link #writeUnsynced}), then wait
 * for durability outside the lock ({@link #sync}), which group-commits: one WAL fsync covers
 * every write made before it. Not RocksDB's own synced writes for this: a write queued behind
 * a synced write group waits for its fsync, so writers under a lock would queue on the disk
 * again. The first failure fails the store closed.
 */
final class RocksStore implements AutoCloseable {
  private static final long WRITE_BUFFER_BYTES = 4L << 20;
  private static final long BLOCK_CACHE_BYTES = 1L << 20;

  static {
    RocksDB.loadLibrary();
  }

  private final LRUCache cache;
  private final Options options;
  private final WriteOptions syncWrite;
  private final WriteOptions lazyWrite = new WriteOptions().setSync(false);
  private final RocksDB db;
  private volatile KeyStoreFailedException failure;
  /** Durability barriers requested (tests check the relay path's count). */
  private final LongAdder syncs = new LongAdder();
  private final LongAdder fsyncs = new LongAdder();
  /** Unsynced writes completed so far: a ticket a later fsync covers. */
  private final AtomicLong written = new AtomicLong();
  private final ReentrantLock syncLock = new ReentrantLock();
  private final Condition syncDone = syncLock.newCondition();
  /** Guarded by syncLock: writes counted up to here are on disk; whether a sync is running. */
  private long durable;
  private boolean syncing;

  private RocksStore(LRUCache cache, Options options, WriteOptions syncWrite, RocksDB db) {
    this.cache = cache;
    this.options = options;
    this.syncWrite = syncWrite;
    this.db = db;
  }

  static RocksStore open(Path dir) {
    LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
    Options options =
        new Options()
            .setCreateIfMissing(true)
            .setWriteBufferSize(WRITE_BUFFER_BYTES)
            .setMaxWriteBufferNumber(2)
            .setMaxBackgroundJobs(2)
            .setMaxOpenFiles(64)
            .setKeepLogFileNum(2)
            .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
            .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
    WriteOptions syncWrite = new WriteOptions().setSync(true);
    try {
      RocksDB db = RocksDB.open(options, dir.toAbsolutePath().toString());
      return new RocksStore(cache, options, syncWrite, db);
    } catch (RocksDBException e) {
      syncWrite.close();
      options.close();
      cache.close();
      throw new KeyStoreFailedException(
          "cannot open key store at " + dir + ": " + e.getMessage(), e);
    }
  }

  byte[] get(byte[] key) {
    checkHealthy();
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw fail("read", e);
    }
  }

  /** Writes the batch atomically and syncs it to disk before returning. */
  void write(WriteBatch batch) {
    checkHealthy();
    try {
      db.write(syncWrite, batch);
    } catch (RocksDBException e) {
      throw fail("synced write", e);
    }
  }

  /**
   * Writes the batch atomically to the WAL and memtable without waiting for the disk: it is in
   * WAL order (after every write that returned before it), and the next {@link #sync} by any
   * thread makes it durable. A caller must not acknowledge it before such a sync, except for
   * transitions whose loss in a crash is safe: a settle (RESERVED to USED/BURNED) that is lost
   * leaves the reservation RESERVED, and recovery burns it (RELIABILITY.md: nothing ever returns
   * to AVAILABLE).
   */
  void writeUnsynced(WriteBatch batch) {
    checkHealthy();
    try {
      db.write(lazyWrite, batch);
    } catch (RocksDBException e) {
      throw fail("write", e);
    }
    // In the WAL file (the OS's cache) now: any fsync that starts later covers it.
    written.incrementAndGet();
  }

  /**
   * Returns once every write that returned before this call is on disk (RocksDB SyncWAL: fsync
   * of every live WAL file). Group commit: one caller at a time syncs, covering all writes made
   * before its fsync began; callers whose writes that fsync covered return without their own,
   * the others elect the next syncer. SyncWAL does not block writers, so threads keep writing
   * (in their locks' order) while an fsync runs. Never retried: a failure fails the store closed
   * (RELIABILITY.md section 6) and every waiter throws.
   */
  void sync() {
    checkHealthy();
    syncs.increment();
    long need = written.get();
    long target;
    syncLock.lock();
    try {
      while (true) {
        checkHealthy();
        if (durable >= need) {
          return;
        }
        if (!syncing) {
          break;
        }
        syncDone.awaitUninterruptibly();
      }
      syncing = true;
      target = written.get();
    } finally {
      syncLock.unlock();
    }
    boolean ok = false;
    try {
      db.syncWal();
      fsyncs.increment();
      ok = true;
    } catch (RocksDBException e) {
      throw fail("WAL sync", e);
    } finally {
      syncLock.lock();
      try {
        syncing = false;
        if (ok) {
          durable = Math.max(durable, target);
        }
        syncDone.signalAll();
      } finally {
        syncLock.unlock();
      }
    }
  }

  long syncCount() {
    return syncs.sum();
  }

  /** WAL fsyncs actually made: at most {@link #syncCount()}, fewer under concurrency. */
  long fsyncCount() {
    return fsyncs.sum();
  }

  /** Visits every record whose key starts with {@code prefix}, in key order. */
  void forEach(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
    checkHealthy();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (!StoreKeys.hasPrefix(key, prefix)) {
          break;
        }
        visitor.accept(key, it.value());
      }
      checkIterator(it);
    }
  }

  /**
   * Visits records whose key starts with {@code prefix}, from the first key at or after {@code
   * from}, in key order, while {@code visitor} returns true.
   */
  void forEachFrom(byte[] prefix, byte[] from, java.util.function.BiPredicate<byte[], byte[]> visitor) {
    checkHealthy();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(from); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (!StoreKeys.hasPrefix(key, prefix) || !visitor.test(key, it.value())) {
          break;
        }
      }
      checkIterator(it);
    }
  }

  /**
   * Copies bytes {@code [offset, offset+length)} of a stream stored as chunks keyed by their
   * start offset. The caller owns (and must clear) the returned array.
   */
  byte[] readChunks(byte[] chunkPrefix, long offset, int length) {
    checkHealthy();
    byte[] out = new byte[length];
    long end = offset + length;
    long filled = offset;
    try (RocksIterator it = db.newIterator()) {
      it.seekForPrev(StoreKeys.withOffset(chunkPrefix, offset));
      if (!it.isValid() || !StoreKeys.hasPrefix(it.key(), chunkPrefix)) {
        it.seek(chunkPrefix);
      }
      for (; it.isValid() && filled < end; it.next()) {
        byte[] key = it.key();
        if (!StoreKeys.hasPrefix(key, chunkPrefix)) {
          break;
        }
        long start = StoreKeys.offsetOf(key);
        byte[] chunk = it.value();
        long chunkEnd = start + chunk.length;
        if (start > filled) {
          break;
        }
        if (chunkEnd > filled) {
          int from = (int) (filled - start);
          int n = (int) (Math.min(chunkEnd, end) - filled);
          System.arraycopy(chunk, from, out, (int) (filled - offset), n);
          filled += n;
        }
        Arrays.fill(chunk, (byte) 0);
      }
      checkIterator(it);
    }
    if (filled < end) {
      Arrays.fill(out, (byte) 0);
      throw new IllegalStateException(
          "pad bytes missing from the store at offset " + filled + " (corrupt chunk index)");
    }
    return out;
  }

  private void checkIterator(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw fail("scan", e);
    }
  }

  void checkHealthy() {
    KeyStoreFailedException f = failure;
    if (f != null) {
      throw new KeyStoreFailedException("key store failed earlier; refusing service", f);
    }
  }

  private KeyStoreFailedException fail(String what, RocksDBException e) {
    KeyStoreFailedException f =
        new KeyStoreFailedException("key store " + what + " failed: " + e.getMessage(), e);
    failure = f;
    return f;
  }

  @Override
  public void close() {
    db.close();
    syncWrite.close();
    lazyWrite.close();
    options.close();
    cache.close();
  }
}
