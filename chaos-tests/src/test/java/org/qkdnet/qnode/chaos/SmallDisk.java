package org.qkdnet.qnode.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A small file system of the test's own (tmpfs of a given size) mounted on a station's data
 * directory, so that the disk-full fault is a real ENOSPC for RocksDB: {@link #fill()} takes
 * every free byte, {@link #free()} gives it back. Needs root; {@link #unavailable()} says why not.
 */
final class SmallDisk implements AutoCloseable {
  private final Path dir;
  private final Path filler;

  private SmallDisk(Path dir) {
    this.dir = dir;
    this.filler = dir.resolve("disk-full-filler");
  }

  /** Why no small disk can be mounted here, or empty. */
  static Optional<String> unavailable(Path scratch) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("mounting a tmpfs needs root (running as " + System.getProperty("user.name") + ")");
    }
    Path probe = null;
    try {
      probe = Files.createTempDirectory(scratch, "mount-probe");
      try (SmallDisk d = mount(probe, 1 << 20)) {
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.of("cannot mount a tmpfs: " + e.getMessage());
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe); // unmounted and empty by now
        } catch (IOException e) {
          // a leftover empty directory under target/: harmless
        }
      }
    }
  }

  /** Mounts a tmpfs of {@code bytes} on {@code dir} (created if missing, must be empty). */
  static SmallDisk mount(Path dir, long bytes) throws IOException {
    Files.createDirectories(dir);
    NetLab.Result r = NetLab.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0700", "tmpfs",
        dir.toString()));
    if (r.code() != 0) {
      throw new IOException("mount tmpfs on " + dir + ": " + r.output().strip());
    }
    return new SmallDisk(dir);
  }

  /** Writes a file until the file system is full (bounded by its size); returns the bytes taken. */
  long fill() throws IOException {
    byte[] block = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 1 << 16; i++) { // at most 4 GiB, far beyond any size this is mounted with
        out.write(block);
        written += block.length;
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
      // full: what fitted stays
    }
    // take the last partial block too
    try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
      for (int i = 0; i < 64 * 1024; i++) {
        out.write(0);
        written++;
      }
    } catch (IOException full) {
      // now it is full to the byte
    }
    return written;
  }

  /** Gives the filled space back. */
  void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    NetLab.Result r = NetLab.run(List.of("umount", dir.toString()));
    if (r.code() != 0) {
      // a process still holds a file: detach it now, the kernel frees it when the last one closes
      NetLab.run(List.of("umount", "-l", dir.toString()));
    }
  }
}
