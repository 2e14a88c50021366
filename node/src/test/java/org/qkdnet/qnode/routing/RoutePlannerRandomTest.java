package org.qkdnet.qnode.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planner against brute force on random graphs, and its determinism on a Hubei-like graph. */
class RoutePlannerRandomTest {
  private static final long[] LEVELS = {0, 400, 1_000, 1_500, 3_000, 9_000, 16_000, 70_000, 1L << 20};

  @Test
  void route_randomGraphs_agreesWithBruteForce() {
    Random rnd = new Random(20240917L);
    int found = 0;
    int waived = 0;
    int notFullest = 0;
    for (int round = 0; round < 1_000; round++) {
      int n = 3 + rnd.nextInt(6);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add("N" + i);
      }
      List<Edge> edges = new ArrayList<>();
      TestNetwork net = TestNetwork.of(ids.toArray(String[]::new));
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          // A direct link between the ends makes every other route moot: keep it rare.
          if (rnd.nextDouble() < (i == 0 && j == n - 1 ? 0.1 : 0.5)) {
            edges.add(new Edge(ids.get(i), ids.get(j), 1 + rnd.nextInt(9)));
            net.link(ids.get(i), ids.get(j), LEVELS[rnd.nextInt(LEVELS.length)], LEVELS[rnd.nextInt(LEVELS.length)]);
          }
        }
      }
      for (String s : ids.subList(1, n - 1)) {
        if (rnd.nextDouble() < 0.1) {
          net.drained(s);
        }
      }
      Graph g = new Graph(ids, edges);
      NetworkSnapshot view = net.snapshot();
      long need = 1_000;
      RoutingPolicy policy = new RoutingPolicy(1 + rnd.nextInt(4), rnd.nextBoolean() ? 0 : 2_000);
      String from = ids.get(0);
      String to = ids.get(n - 1);

      RoutePlanner planner = new RoutePlanner(g);
      Optional<List<String>> got = planner.route(from, to, need, view, policy, Set.of(), Set.of());
      Optional<List<String>> strict = bruteForce(g, view, from, to, need + policy.reserveBytes(), policy.maxHops());
      Optional<List<String>> expected = strict.isPresent() ? strict : bruteForce(g, view, from, to, need, policy.maxHops());
      assertThat(got).as("round %d", round).isEqualTo(expected);

      RouteDecision d = planner.explain(from, to, need, view, policy, Set.of(), Set.of());
      assertThat(d.path()).as("round %d", round).isEqualTo(got);
      assertThat(d.reserveWaived()).as("round %d", round).isEqualTo(strict.isEmpty() && got.isPresent());
      got.ifPresent(p -> assertThat(d.bottleneck()).isEqualTo(planner.bottleneck(p, view)));

      // One disjoint route exists exactly when a route does.
      List<List<String>> one = planner.disjointRoutes(from, to, 1, need, view, policy, Set.of(), Set.of());
      assertThat(one).as("round %d", round).hasSize(got.isPresent() ? 1 : 0);
      List<List<String>> three = planner.disjointRoutes(from, to, 3, need, view, policy, Set.of(), Set.of());
      assertDisjointAndUsable(planner, view, three, from, to, need, policy);
      assertThat(three.size()).as("round %d", round).isGreaterThanOrEqualTo(one.size());

      if (got.isPresent()) {
        found++;
        if (d.reserveWaived()) {
          waived++;
        }
        long threshold = d.reserveWaived() ? need : need + policy.reserveBytes();
        Optional<List<String>> byKm = bruteForceByKm(g, view, from, to, threshold, policy.maxHops(), got.get().size());
        if (!byKm.equals(got)) {
          notFullest++;
        }
      }
    }
    // The seed must exercise every rule, or this test proves little.
    assertThat(found).as("rounds with a route").isGreaterThan(100);
    assertThat(waived).as("rounds with the reserve waived").isGreaterThan(10);
    assertThat(notFullest).as("rounds where fullness overruled km").isGreaterThan(10);
  }

  /** Hubei-like: three corridors between two hubs, a cross link, a spur. */
  private static Graph hubeiLike() {
    return new Graph(
        List.of("WUH", "HCN", "XTO", "QJG", "JGZ", "XGN", "YCG", "TMN", "EZH", "HHU", "JLI", "ZJG", "YCH"),
        List.of(
            new Edge("WUH", "HCN", 57), new Edge("HCN", "XTO", 62), new Edge("XTO", "QJG", 67), new Edge("QJG", "JGZ", 78),
            new Edge("WUH", "XGN", 65), new Edge("XGN", "YCG", 43), new Edge("YCG", "TMN", 61), new Edge("TMN", "JGZ", 95),
            new Edge("TMN", "XTO", 54),
            new Edge("WUH", "EZH", 74), new Edge("EZH", "HHU", 90), new Edge("HHU", "JLI", 60), new Edge("JLI", "JGZ", 65),
            new Edge("JGZ", "ZJG", 59), new Edge("ZJG", "YCH", 68)));
  }

  @Test
  void route_hubeiLike_sameAnswerOnEveryStation() {
    Graph g = hubeiLike();
    Random rnd = new Random(7L);
    TestNetwork net = TestNetwork.of(g.stations().toArray(String[]::new));
    // Many equal levels, so the ties are what decide.
    g.edges().forEach(e -> net.link(e.a(), e.b(), rnd.nextBoolean() ? 40_000 : 50_000, rnd.nextBoolean() ? 40_000 : 5_000));
    NetworkSnapshot view = net.snapshot();
    RoutingPolicy policy = new RoutingPolicy(6, 1_000);

    Map<String, Object> reference = answers(g, view, policy);
    for (int station = 0; station < 13; station++) {
      // Every station builds its own graph from the topology, in its own order.
      List<String> ids = new ArrayList<>(g.stations());
      List<Edge> edges = new ArrayList<>();
      g.edges().forEach(e -> edges.add(rnd.nextBoolean() ? e : new Edge(e.b(), e.a(), e.km())));
      Collections.shuffle(ids, rnd);
      Collections.shuffle(edges, rnd);
      assertThat(answers(new Graph(ids, edges), view, policy)).as("station %d", station).isEqualTo(reference);
    }
    assertThat(reference).containsEntry("WUH>YCH", Optional.of(List.of("WUH", "HCN", "XTO", "QJG", "JGZ", "ZJG", "YCH")));
  }

  private static Map<String, Object> answers(Graph g, NetworkView view, RoutingPolicy policy) {
    RoutePlanner p = new RoutePlanner(g);
    Map<String, Object> out = new LinkedHashMap<>();
    for (String from : List.of("WUH", "JGZ", "YCH")) {
      for (String to : List.of("WUH", "JGZ", "YCH")) {
        out.put(from + ">" + to, p.route(from, to, 1_000, view, policy, Set.of(), Set.of()));
        out.put(from + ">>" + to, p.disjointRoutes(from, to, 3, 1_000, view, policy, Set.of(), Set.of()));
      }
    }
    return out;
  }

  private static void assertDisjointAndUsable(
      RoutePlanner planner, NetworkView view, List<List<String>> paths, String from, String to, long need,
      RoutingPolicy policy) {
    Set<String> inner = new HashSet<>();
    for (List<String> p : paths) {
      assertThat(p.get(0)).isEqualTo(from);
      assertThat(p.get(p.size() - 1)).isEqualTo(to);
      assertThat(PathCheck.problem(planner.graph(), p, policy.maxHops())).isEmpty();
      assertThat(planner.bottleneck(p, view)).isGreaterThanOrEqualTo(need);
      for (String s : p.subList(1, p.size() - 1)) {
        assertThat(inner.add(s)).as("station %s used twice", s).isTrue();
      }
    }
    assertThat(paths.stream().filter(p -> p.size() == 2).count()).isLessThanOrEqualTo(1);
  }

  /** Every simple path, best by the planner's documented order. Exponential; fine for 8 stations. */
  private static Optional<List<String>> bruteForce(Graph g, NetworkView view, String from, String to, long threshold, int maxHops) {
    Comparator<List<String>> order = Comparator.comparingInt((List<String> p) -> p.size())
        .thenComparingInt(p -> -RoutePlanner.bucket(bottleneck(view, p)))
        .thenComparingDouble(p -> g.route(p).km())
        .thenComparing(PathFinder.PATH_ORDER);
    return allPaths(g, view, from, to, threshold, maxHops).stream().min(order);
  }

  /** The same, but by km alone among routes of {@code size} stations: what fullness changes. */
  private static Optional<List<String>> bruteForceByKm(
      Graph g, NetworkView view, String from, String to, long threshold, int maxHops, int size) {
    Comparator<List<String>> order = Comparator.comparingDouble((List<String> p) -> g.route(p).km())
        .thenComparing(PathFinder.PATH_ORDER);
    return allPaths(g, view, from, to, threshold, maxHops).stream().filter(p -> p.size() == size).min(order);
  }

  private static List<List<String>> allPaths(Graph g, NetworkView view, String from, String to, long threshold, int maxHops) {
    List<List<String>> all = new ArrayList<>();
    if (view.endpointUsable(from) && view.endpointUsable(to)) {
      dfs(g, view, to, threshold, maxHops, new ArrayList<>(List.of(from)), all);
    }
    return all;
  }

  private static void dfs(Graph g, NetworkView view, String to, long threshold, int maxHops, List<String> path,
      List<List<String>> all) {
    String cur = path.get(path.size() - 1);
    if (cur.equals(to)) {
      all.add(List.copyOf(path));
      return;
    }
    if (path.size() - 1 == maxHops || (path.size() > 1 && !view.transitUsable(cur))) {
      return;
    }
    for (Edge e : g.edgesAt(cur)) {
      String next = e.other(cur);
      OptionalLong cap = view.capacity(cur, next);
      if (!path.contains(next) && cap.isPresent() && cap.getAsLong() >= threshold) {
        path.add(next);
        dfs(g, view, to, threshold, maxHops, path, all);
        path.remove(path.size() - 1);
      }
    }
  }

  private static long bottleneck(NetworkView view, List<String> p) {
    long least = Long.MAX_VALUE;
    for (int i = 1; i < p.size(); i++) {
      least = Math.min(least, view.capacity(p.get(i - 1), p.get(i)).orElse(0));
    }
    return least;
  }
}
