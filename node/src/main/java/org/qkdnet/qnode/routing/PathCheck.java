package org.qkdnet.qnode.routing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Validation of a relay path received from another station, before any pad is touched. The path
 * comes off the wire, so this never throws on it: every defect becomes a message. Station ids are
 * quoted shortened and with control characters replaced, so a hostile id cannot flood or forge
 * log lines.
 */
public final class PathCheck {
  private static final int MAX_ID_CHARS = 40;

  private PathCheck() {}

  /**
   * The first problem found with {@code path} as a relay path in {@code graph}, or empty if it is
   * a simple path of 2 or more known stations, each linked to the next, of at most
   * {@code maxHops} links.
   */
  public static Optional<String> problem(Graph graph, List<String> path, int maxHops) {
    Objects.requireNonNull(graph, "graph");
    if (path == null) {
      return Optional.of("no path");
    }
    int size = path.size();
    if (size < 2) {
      return Optional.of("path has " + size + " station" + (size == 1 ? "" : "s") + ", a relay needs at least 2");
    }
    // Before the per-station checks, so an absurdly long path costs nothing more.
    if (size - 1 > maxHops) {
      return Optional.of("path has " + (size - 1) + " hops, more than the maximum of " + maxHops);
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < size; i++) {
      String s = path.get(i);
      if (s == null) {
        return Optional.of("station " + (i + 1) + " of the path is missing (null)");
      }
      if (s.isBlank()) {
        return Optional.of("station " + (i + 1) + " of the path is blank");
      }
      if (!graph.contains(s)) {
        return Optional.of("unknown station " + quote(s) + " at position " + (i + 1));
      }
      Integer earlier = seen.putIfAbsent(s, i);
      if (earlier != null) {
        return Optional.of("station " + quote(s) + " visited twice (positions " + (earlier + 1) + " and " + (i + 1)
            + "): not a simple path");
      }
    }
    for (int i = 1; i < size; i++) {
      String a = path.get(i - 1);
      String b = path.get(i);
      if (graph.edge(a, b).isEmpty()) {
        return Optional.of("no link between " + quote(a) + " and " + quote(b) + " (positions " + i + " and " + (i + 1)
            + ")");
      }
    }
    return Optional.empty();
  }

  private static String quote(String id) {
    StringBuilder b = new StringBuilder("'");
    int n = Math.min(id.length(), MAX_ID_CHARS);
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    if (id.length() > MAX_ID_CHARS) {
      b.append("...");
    }
    return b.append('\'').toString();
  }
}
