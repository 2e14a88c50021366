package org.qkdnet.qnode.keystore;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.qkdnet.qnode.crypto.RecordCipher;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
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
  /** Deletions of key records after which a background compaction rewrites the files. */
  static final int COMPACT_AFTER_DELETES = 512;

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
  private volatile SyncRecorder syncRecorder = SyncRecorder.NONE;
  /** Tests of durability only: null in a running station. */
  private volatile CrashJournal journal;
  /** The data key's cipher, set once by {@link StoreRecovery} before any key record is touched. */
  private volatile RecordCipher cipher;
  /** Key records deleted since the last compaction was started. */
  private final AtomicLong deletesSinceCompaction = new AtomicLong();
  private final AtomicBoolean compacting = new AtomicBoolean();
  private final LongAdder compactions = new LongAdder();
  private final ExecutorService compactor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "qnode-store-compaction");
    t.setDaemon(true);
    return t;
  });

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

  /** Sets the data key once; the store keeps (and closes) the cipher. */
  void useDataKey(RecordCipher c) {
    if (cipher != null) {
      c.close();
      throw new IllegalStateException("the store's data key is already set");
    }
    cipher = c;
  }

  boolean hasDataKey() {
    return cipher != null;
  }

  /** A new batch for {@link #write} or {@link #writeUnsynced}. */
  StoreBatch batch() {
    return new StoreBatch(this);
  }

  byte[] seal(byte[] key, byte[] plaintext) {
    return dataKey().seal(key, plaintext);
  }

  private RecordCipher dataKey() {
    RecordCipher c = cipher;
    if (c == null) {
      throw new IllegalStateException("the store's data key is not set: key records cannot be read or written");
    }
    return c;
  }

  /** A stored value as the caller sees it: opened if the record holds key material. */
  private byte[] reveal(byte[] key, byte[] stored) {
    if (stored == null || !StoreKeys.isSecret(key)) {
      return stored;
    }
    try {
      return dataKey().open(key, stored);
    } catch (RecordCipher.SealedRecordException e) {
      throw failCorrupt(key, e);
    } finally {
      Arrays.fill(stored, (byte) 0);
    }
  }

  private KeyStoreFailedException failCorrupt(byte[] key, RuntimeException e) {
    KeyStoreFailedException f = new KeyStoreFailedException(
        "key store record of kind '" + (char) key[0] + "' does not open: " + e.getMessage(), e);
    failure = f;
    return f;
  }

  byte[] get(byte[] key) {
    checkHealthy();
    try {
      return reveal(key, db.get(key));
    } catch (RocksDBException e) {
      throw fail("read", e);
    }
  }

  /** A stored value exactly as it is on disk (sealed if it holds key material). */
  byte[] getRaw(byte[] key) {
    checkHealthy();
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw fail("read", e);
    }
  }

  /** Starts a {@link CrashJournal} (tests): from now on every write is recorded with its durability. */
  CrashJournal startCrashJournal(java.nio.file.Path checkpointDir) {
    CrashJournal j = CrashJournal.startOn(db, checkpointDir);
    journal = j;
    return j;
  }

  private void dbWrite(WriteOptions how, WriteBatch batch, boolean synced) throws RocksDBException {
    CrashJournal j = journal;
    if (j == null) {
      db.write(how, batch);
      return;
    }
    synchronized (j) { // the journal's order is the WAL's
      db.write(how, batch);
      j.written(batch.data(), synced);
    }
  }

  /** Writes the batch atomically and syncs it to disk before returning. */
  void write(StoreBatch b) {
    checkHealthy();
    WriteBatch batch = b.batch;
    long start = System.nanoTime();
    try {
      dbWrite(syncWrite, batch, true);
    } catch (RocksDBException e) {
      throw fail("synced write", e);
    }
    long nanos = System.nanoTime() - start;
    syncRecorder.fsynced(nanos);
    syncRecorder.waited(nanos);
    noteDeleted(b.secretDeletes);
  }

  /**
   * Writes the batch atomically to the WAL and memtable without waiting for the disk: it is in
   * WAL order (after every write that returned before it), and the next {@link #sync} by any
   * thread makes it durable. A caller must not acknowledge it before such a sync, except for
   * transitions whose loss in a crash is safe: a settle (RESERVED to USED/BURNED) that is lost
   * leaves the reservation RESERVED, and recovery burns it (RELIABILITY.md: nothing ever returns
   * to AVAILABLE).
   */
  void writeUnsynced(StoreBatch b) {
    checkHealthy();
    WriteBatch batch = b.batch;
    try {
      dbWrite(lazyWrite, batch, false);
    } catch (RocksDBException e) {
      throw fail("write", e);
    }
    noteDeleted(b.secretDeletes);
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
    long start = System.nanoTime();
    waitDurable();
    syncRecorder.waited(System.nanoTime() - start);
  }

  private void waitDurable() {
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
    CrashJournal j = journal;
    int covered = j == null ? 0 : j.size();
    try {
      long start = System.nanoTime();
      db.syncWal();
      if (j != null) {
        j.durableUpTo(covered);
      }
      syncRecorder.fsynced(System.nanoTime() - start);
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

  /** Reports durability waits and fsyncs from now on (metrics); the recorder must not throw. */
  void recordSyncs(SyncRecorder recorder) {
    syncRecorder = java.util.Objects.requireNonNull(recorder, "recorder");
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
    forEachRaw(prefix, (key, value) -> visitor.accept(key, reveal(key, value)));
  }

  /** Visits stored values exactly as on disk (sealed key records stay sealed), in key order. */
  void forEachRaw(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
    forEachFromRaw(prefix, prefix, (key, value) -> {
      visitor.accept(key, value);
      return true;
    });
  }

  /**
   * Visits records whose key starts with {@code prefix}, from the first key at or after {@code
   * from}, in key order, while {@code visitor} returns true.
   */
  void forEachFrom(byte[] prefix, byte[] from, java.util.function.BiPredicate<byte[], byte[]> visitor) {
    forEachFromRaw(prefix, from, (key, value) -> visitor.test(key, reveal(key, value)));
  }

  /** The one iterator loop: values as on disk, from {@code from}, while in {@code prefix} and {@code visitor} agrees. */
  private void forEachFromRaw(byte[] prefix, byte[] from, java.util.function.BiPredicate<byte[], byte[]> visitor) {
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
        byte[] stored = it.value();
        if (start > filled) {
          Arrays.fill(stored, (byte) 0);
          break;
        }
        byte[] chunk = reveal(key, stored);
        long chunkEnd = start + chunk.length;
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

  /**
   * The chunks of a stream stored under {@code chunkPrefix} that start at or after {@code from}
   * and lie wholly below {@code offset} (none of their bytes is at or above it): their record keys
   * go to {@code keys}, in order, and the end of the last one is returned, or -1 if there is none.
   * Reads keys and value lengths only. A trim deletes these records one by one: range tombstones
   * would make every later read of the stream (a new iterator, a seek) pay for each one of them
   * until a compaction, and pad is read on every relay hop.
   */
  long wholeChunksBelow(byte[] chunkPrefix, long from, long offset, Consumer<byte[]> keys) {
    checkHealthy();
    long end = -1;
    byte[] none = new byte[0];
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(StoreKeys.withOffset(chunkPrefix, from)); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (!StoreKeys.hasPrefix(key, chunkPrefix)) {
          break;
        }
        int stored = it.value(none);
        long chunkEnd = StoreKeys.offsetOf(key)
            + (StoreKeys.isSecret(key) ? RecordCipher.plaintextLength(stored) : stored);
        if (chunkEnd > offset) {
          break;
        }
        keys.accept(key);
        end = chunkEnd;
      }
      checkIterator(it);
    }
    return end;
  }

  /**
   * Counts deletions of key records; after {@link #COMPACT_AFTER_DELETES} of them a compaction
   * runs in the background (at most one at a time), so deleted values leave the files.
   */
  void noteDeleted(int records) {
    if (records > 0 && deletesSinceCompaction.addAndGet(records) >= COMPACT_AFTER_DELETES) {
      compactSoon();
    }
  }

  /** Starts a background compaction of the whole store unless one is running. */
  void compactSoon() {
    if (!compacting.compareAndSet(false, true)) {
      return;
    }
    deletesSinceCompaction.set(0);
    try {
      compactor.execute(() -> {
        try {
          compactNow();
        } catch (RuntimeException e) {
          // a failed compaction fails the store (fail()); nothing else to do on this thread
        } finally {
          compacting.set(false);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      compacting.set(false); // closing
    }
  }

  /**
   * Flushes the memtable and compacts every level, so values deleted so far (and range
   * tombstones) are gone from the table files; obsolete WAL files are deleted by RocksDB.
   */
  void compactNow() {
    checkHealthy();
    try (org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
      db.flush(flush);
      db.compactRange();
      compactions.increment();
    } catch (RocksDBException e) {
      throw fail("compaction", e);
    }
  }

  long compactionCount() {
    return compactions.sum();
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

  /** Fault injection: fails the store closed as an I/O error would (RELIABILITY.md section 6). */
  void injectFailure(String why) {
    failure = new KeyStoreFailedException("key store failed: " + why, new java.io.IOException(why));
  }

  private KeyStoreFailedException fail(String what, RocksDBException e) {
    KeyStoreFailedException f =
        new KeyStoreFailedException("key store " + what + " failed: " + e.getMessage(), e);
    failure = f;
    return f;
  }

  @Override
  public void close() {
    compactor.shutdown();
    try {
      if (!compactor.awaitTermination(30, TimeUnit.SECONDS)) {
        compactor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // A clean stop leaves no deleted key values behind in the files.
    if (failure == null && cipher != null && deletesSinceCompaction.get() > 0) {
      try {
        compactNow();
      } catch (KeyStoreFailedException e) {
        // already recorded; closing anyway
      }
    }
    RecordCipher c = cipher;
    if (c != null) {
      c.close();
    }
    db.close();
    syncWrite.close();
    lazyWrite.close();
    options.close();
    cache.close();
  }
}
