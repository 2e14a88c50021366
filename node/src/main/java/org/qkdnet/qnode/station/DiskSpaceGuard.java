package org.qkdnet.qnode.station;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Keeps a station from running its key store into a full disk ({@code qnode.keystore.min-free-bytes}):
 * RocksDB preallocates its write-ahead log, so a full file system is noticed only at the next
 * flush or new log file, minutes later and in the middle of work. The station checks the free
 * space of its data directory at start (it refuses to start below the minimum) and every second
 * while it runs (below the minimum it fails closed, like any store failure: nothing half-written,
 * everything it holds recovered at the next start once space is back).
 */
final class DiskSpaceGuard {
  static final String SETTING = "qnode.keystore.min-free-bytes";

  private final Path dir;
  private final long minFree;
  private final LongSupplier usable;

  DiskSpaceGuard(Path dir, long minFree, LongSupplier usable) {
    this.dir = dir;
    this.minFree = minFree;
    this.usable = usable;
  }

  /** The guard of {@code dir}, reading its file system's usable space (a failed read counts as 0). */
  static DiskSpaceGuard of(Path dir, long minFree) {
    return new DiskSpaceGuard(dir, minFree, () -> {
      try {
        return Files.getFileStore(dir).getUsableSpace();
      } catch (IOException e) {
        return 0;
      }
    });
  }

  /** Why the data directory has too little space now, or empty. */
  Optional<String> problem() {
    if (minFree <= 0) {
      return Optional.empty();
    }
    long free = usable.getAsLong();
    if (free >= minFree) {
      return Optional.empty();
    }
    return Optional.of("data directory " + dir + " has " + free + " bytes free, below " + SETTING + " = "
        + minFree + " (No space left on device soon): free space on its file system");
  }
}
