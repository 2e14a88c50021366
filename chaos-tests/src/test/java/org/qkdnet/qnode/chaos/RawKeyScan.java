package org.qkdnet.qnode.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Searches files byte for byte for keys (at least 32 bytes each): every 16-byte window of every key
 * is indexed by its first 8 bytes, so a file is read once whatever the number of keys. A key
 * stored in two pieces is still found, since one piece holds at least 16 of its bytes. Reports
 * key_IDs and file names, never key bytes.
 */
final class RawKeyScan {
  private static final int WINDOW = 16;

  private final Map<Long, List<Window>> byPrefix = new HashMap<>();

  private record Window(String keyId, byte[] bytes) {}

  /** {@code keys}: key_ID to key bytes. */
  RawKeyScan(Map<String, byte[]> keys) {
    for (Map.Entry<String, byte[]> e : keys.entrySet()) {
      byte[] k = e.getValue();
      if (k.length < 2 * WINDOW) {
        throw new IllegalArgumentException("keys of at least " + 2 * WINDOW + " bytes: " + e.getKey());
      }
      for (int at = 0; at + WINDOW <= k.length; at++) {
        byte[] w = Arrays.copyOfRange(k, at, at + WINDOW);
        byPrefix.computeIfAbsent(prefix(w, 0), x -> new ArrayList<>()).add(new Window(e.getKey(), w));
      }
    }
  }

  /** "file: key_ID" for every file under {@code roots} that holds 16 consecutive bytes of a key. */
  List<String> hits(List<Path> roots) throws IOException {
    List<String> hits = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          byte[] b = Files.readAllBytes(f);
          for (int i = 0; i + WINDOW <= b.length; i++) {
            List<Window> ws = byPrefix.get(prefix(b, i));
            if (ws == null) {
              continue;
            }
            for (Window w : ws) {
              if (Arrays.equals(b, i, i + WINDOW, w.bytes(), 0, WINDOW)) {
                hits.add(f + ": " + w.keyId());
              }
            }
          }
        }
      }
    }
    return hits.stream().distinct().toList();
  }

  /** Files scanned would be: every regular file under the roots (for the report). */
  static long fileCount(List<Path> roots) throws IOException {
    long n = 0;
    for (Path root : roots) {
      if (Files.exists(root)) {
        try (Stream<Path> files = Files.walk(root)) {
          n += files.filter(Files::isRegularFile).count();
        }
      }
    }
    return n;
  }

  private static long prefix(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }
}
