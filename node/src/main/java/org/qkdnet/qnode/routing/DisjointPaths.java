package org.qkdnet.qnode.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Min-cost flow for node-disjoint paths. Station v becomes in(v) -> out(v) with capacity 1
 * (the ends get capacity k), each usable link u-v becomes out(u) -> in(v) and out(v) -> in(u)
 * with capacity 1 and cost km. Each augmentation along a cheapest residual path (Bellman-Ford,
 * since residual arcs have negative cost) adds one path and may reroute earlier ones, which is
 * why it finds disjoint paths that a greedy "remove the first path" search misses.
 */
final class DisjointPaths {
  private static final double EPS = 1e-9;

  private final Graph graph;
  private final int nodes;
  private final List<Arc> arcs = new ArrayList<>();
  private final List<List<Integer>> out = new ArrayList<>();
  private final Predicate<String> stationUsable;
  private final BiPredicate<String, String> linkUsable;

  DisjointPaths(Graph graph, Predicate<String> stationUsable, BiPredicate<String, String> linkUsable) {
    this.graph = graph;
    this.nodes = 2 * graph.size();
    this.stationUsable = stationUsable;
    this.linkUsable = linkUsable;
    for (int i = 0; i < nodes; i++) {
      out.add(new ArrayList<>());
    }
  }

  List<List<String>> find(String from, String to, int k) {
    build(from, to, k);
    int source = outNode(graph.indexOf(from));
    int sink = inNode(graph.indexOf(to));
    int found = 0;
    while (found < k && augment(source, sink)) {
      found++;
    }
    return decompose(from, to, found);
  }

  private void build(String from, String to, int k) {
    for (String s : graph.stations()) {
      if (!stationUsable.test(s)) {
        continue;
      }
      int i = graph.indexOf(s);
      int capacity = s.equals(from) || s.equals(to) ? k : 1;
      addArc(inNode(i), outNode(i), capacity, 0.0);
    }
    for (String s : graph.stations()) {
      if (!stationUsable.test(s)) {
        continue;
      }
      for (Edge e : graph.edgesAt(s)) {
        String t = e.other(s);
        if (stationUsable.test(t) && linkUsable.test(s, t)) {
          addArc(outNode(graph.indexOf(s)), inNode(graph.indexOf(t)), 1, e.km());
        }
      }
    }
  }

  /** One unit along a cheapest residual path; false if the sink is unreachable. */
  private boolean augment(int source, int sink) {
    double[] dist = new double[nodes];
    int[] via = new int[nodes];
    Arrays.fill(dist, Double.POSITIVE_INFINITY);
    Arrays.fill(via, -1);
    dist[source] = 0.0;
    // Bellman-Ford: at most nodes-1 rounds; min-cost flow keeps the residual graph free of negative cycles.
    for (int round = 0; round < nodes - 1; round++) {
      boolean changed = false;
      for (int u = 0; u < nodes; u++) {
        if (dist[u] == Double.POSITIVE_INFINITY) {
          continue;
        }
        for (int id : out.get(u)) {
          Arc a = arcs.get(id);
          if (a.capacity > 0 && dist[u] + a.cost < dist[a.to] - EPS) {
            dist[a.to] = dist[u] + a.cost;
            via[a.to] = id;
            changed = true;
          }
        }
      }
      if (!changed) {
        break;
      }
    }
    if (via[sink] < 0) {
      return false;
    }
    int v = sink;
    for (int steps = 0; v != source && steps < nodes; steps++) {
      Arc a = arcs.get(via[v]);
      a.capacity -= 1;
      arcs.get(a.reverse).capacity += 1;
      v = arcs.get(a.reverse).to;
    }
    return true;
  }

  /** Follows the saturated link arcs from the source; each unit of flow is one path. */
  private List<List<String>> decompose(String from, String to, int count) {
    List<List<String>> paths = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      List<String> path = new ArrayList<>(List.of(from));
      String cur = from;
      for (int steps = 0; !cur.equals(to) && steps < nodes; steps++) {
        String next = null;
        for (int id : out.get(outNode(graph.indexOf(cur)))) {
          Arc a = arcs.get(id);
          if (a.forward && a.capacity == 0 && !a.taken) {
            a.taken = true;
            next = graph.stations().get(a.to / 2);
            break;
          }
        }
        if (next == null) {
          throw new IllegalStateException("flow decomposition lost its way at " + cur);
        }
        path.add(next);
        cur = next;
      }
      paths.add(List.copyOf(path));
    }
    return paths;
  }

  private void addArc(int from, int to, int capacity, double cost) {
    int id = arcs.size();
    arcs.add(new Arc(to, capacity, cost, id + 1, true));
    arcs.add(new Arc(from, 0, -cost, id, false));
    out.get(from).add(id);
    out.get(to).add(id + 1);
  }

  private static int inNode(int station) {
    return 2 * station;
  }

  private static int outNode(int station) {
    return 2 * station + 1;
  }

  /** Mutable on purpose: residual capacities change during the search; never leaves this class. */
  private static final class Arc {
    final int to;
    final double cost;
    final int reverse;
    final boolean forward;
    int capacity;
    boolean taken;

    Arc(int to, int capacity, double cost, int reverse, boolean forward) {
      this.to = to;
      this.capacity = capacity;
      this.cost = cost;
      this.reverse = reverse;
      this.forward = forward;
    }
  }
}
