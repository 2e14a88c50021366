package org.qkdnet.qnode.keystore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.Checkpoint;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Tests of durability only: records every batch a store writes from a checkpoint on, in WAL order,
 * and how far the disk has them (a synced write, or a WAL sync, makes everything before it
 * durable). {@link #restoreAsAfterCrash} builds the store a crash at this moment would leave: the
 * checkpoint plus only the durable batches, every write that was not yet synced lost, as a power
 * cut loses the page cache (a plain {@code kill -9} keeps it, which is why tests need this).
 */
public final class CrashJournal {
  private final Path checkpoint;
  private final List<byte[]> batches = new ArrayList<>();
  private int durable;

  private CrashJournal(Path checkpoint) {
    this.checkpoint = checkpoint;
  }

  /** Starts recording {@code store}'s writes; its state now, as a RocksDB checkpoint, is the base. */
  public static CrashJournal start(StationKeyStore store, Path checkpointDir) {
    return store.startCrashJournal(checkpointDir);
  }

  static CrashJournal startOn(RocksDB db, Path checkpointDir) {
    try (Checkpoint c = Checkpoint.create(db)) {
      c.createCheckpoint(checkpointDir.toAbsolutePath().toString());
    } catch (RocksDBException e) {
      throw new IllegalStateException("checkpoint failed: " + e.getMessage(), e);
    }
    return new CrashJournal(checkpointDir);
  }

  /** A batch is in the WAL now; {@code synced}: it and everything before it are on disk. */
  synchronized void written(byte[] data, boolean synced) {
    batches.add(data);
    if (synced) {
      durable = batches.size();
    }
  }

  /** How many batches a WAL sync starting now covers. */
  synchronized int size() {
    return batches.size();
  }

  /** The first {@code n} batches are on disk. */
  synchronized void durableUpTo(int n) {
    durable = Math.max(durable, n);
  }

  /** Batches written so far that a crash now would lose. */
  public synchronized int unsynced() {
    return batches.size() - durable;
  }

  /**
   * Writes to {@code target} (a new directory) the store a crash now would leave: the checkpoint
   * and the durable batches only. Open it with {@link StationKeyStore#open} to see what recovery
   * makes of it.
   */
  public void restoreAsAfterCrash(Path target) {
    List<byte[]> survivors;
    synchronized (this) {
      survivors = List.copyOf(batches.subList(0, durable));
    }
    copyTree(checkpoint, target);
    try (Options o = new Options(); WriteOptions sync = new WriteOptions().setSync(true);
        RocksDB db = RocksDB.open(o, target.toAbsolutePath().toString())) {
      for (byte[] b : survivors) {
        try (WriteBatch w = new WriteBatch(b)) {
          db.write(sync, w);
        }
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException("replay failed: " + e.getMessage(), e);
    }
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
