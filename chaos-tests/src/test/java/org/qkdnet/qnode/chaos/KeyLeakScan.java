package org.qkdnet.qnode.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Searches a log for many keys at once: every window of a run of hex (case-insensitive) or Base64
 * characters is looked up in the set of the keys' encodings, so a log of megabytes is searched for
 * thousands of keys in one pass. Finds every occurrence {@code String.contains} would find.
 * Reports the key_ID of a hit, never the key.
 */
final class KeyLeakScan {
  private KeyLeakScan() {}

  /** The key_IDs of the keys whose hex or Base64 encoding occurs in {@code text}. */
  static List<String> leakedKeyIds(String text, Map<String, String> encodingToKeyId) {
    java.util.Set<Integer> hexLengths = new java.util.TreeSet<>();
    java.util.Set<Integer> b64Lengths = new java.util.TreeSet<>();
    for (String e : encodingToKeyId.keySet()) {
      if (e.chars().allMatch(KeyLeakScan::isHex) && e.equals(e.toLowerCase(Locale.ROOT))) {
        hexLengths.add(e.length());
      }
      b64Lengths.add(e.length()); // hex is Base64 alphabet too: harmless double look-up
    }
    List<String> hits = new ArrayList<>();
    scan(text, KeyLeakScan::isHex, hexLengths, true, encodingToKeyId, hits);
    scan(text, KeyLeakScan::isBase64, b64Lengths, false, encodingToKeyId, hits);
    return hits.stream().distinct().toList();
  }

  private interface CharClass {
    boolean in(int c);
  }

  private static void scan(String text, CharClass cls, java.util.Set<Integer> lengths, boolean lower,
      Map<String, String> encodings, List<String> hits) {
    if (lengths.isEmpty()) {
      return;
    }
    int min = lengths.iterator().next();
    int i = 0;
    int n = text.length();
    while (i < n) {
      if (!cls.in(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && cls.in(text.charAt(i))) {
        i++;
      }
      if (i - start < min) {
        continue;
      }
      String run = text.substring(start, i);
      if (lower) {
        run = run.toLowerCase(Locale.ROOT);
      }
      for (int len : lengths) {
        for (int at = 0; at + len <= run.length(); at++) {
          String id = encodings.get(run.substring(at, at + len));
          if (id != null) {
            hits.add(id);
          }
        }
      }
    }
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isBase64(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '/'
        || c == '=';
  }
}
