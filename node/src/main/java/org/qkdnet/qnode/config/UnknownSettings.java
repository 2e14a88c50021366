package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses settings under {@code qnode.} that no part of the node reads, naming the key (and the
 * known key it most resembles), so a typo stops the node at start instead of being ignored.
 * Known: every key of the packaged defaults (reference.conf and qnode-pekko.conf). Open subtrees
 * whose keys are the operator's own: {@code qnode.topology} (checked by {@link TopologySpec}),
 * {@code qnode.network.endpoints} (keyed by station id) and {@code qnode.log} (logging levels
 * read by logback); plus the fault-injection properties {@code qnode.crash-at} and
 * {@code qnode.crash-skip}.
 */
final class UnknownSettings {
  private static final List<String> OPEN = List.of("topology", "network.endpoints", "log");
  private static final Set<String> EXTRA = Set.of("crash-at", "crash-skip");

  private static volatile Set<String> known;

  private UnknownSettings() {}

  /** @throws ConfigException naming the first unknown {@code qnode.*} key of {@code root} */
  static void check(Config root) {
    if (!root.hasPath("qnode")) {
      return;
    }
    Set<String> k = known();
    for (String key : new TreeSet<>(root.getConfig("qnode").root().toConfig().entrySet().stream()
        .map(java.util.Map.Entry::getKey).toList())) {
      if (k.contains(key) || EXTRA.contains(key) || OPEN.stream().anyMatch(o -> key.equals(o) || key.startsWith(o + "."))) {
        continue;
      }
      String near = nearest(key, k);
      throw new ConfigException("qnode." + key, "unknown setting" + (near == null ? "" : " (did you mean qnode." + near + "?)")
          + "; every setting and its default: cluster-config/reference.conf");
    }
  }

  private static Set<String> known() {
    Set<String> k = known;
    if (k == null) {
      ClassLoader loader = UnknownSettings.class.getClassLoader();
      Config defaults = ConfigFactory.parseResources(loader, ConfigLoader.PEKKO_SETTINGS,
              ConfigParseOptions.defaults().setAllowMissing(true))
          .withFallback(ConfigFactory.defaultReference(loader));
      Set<String> s = new java.util.HashSet<>();
      if (defaults.hasPath("qnode")) {
        defaults.getConfig("qnode").entrySet().forEach(e -> s.add(e.getKey()));
      }
      known = k = Set.copyOf(s);
    }
    return k;
  }

  private static String nearest(String key, Set<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(key, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
