package org.qkdnet.qnode.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Path computation over a {@link Graph}. Pure and deterministic: for the same graph and the
 * same predicates it always returns the same paths, so two stations computing a route agree.
 */
public final class PathFinder {
  /**
   * Shorter km first; on equal km fewer hops; then the lexicographically smaller sequence of
   * station ids. Appending the same station to two paths keeps their order, which is what lets
   * Dijkstra settle ties by this rule.
   */
  static final Comparator<List<String>> PATH_ORDER = PathFinder::compareIds;

  private final Graph graph;

  public PathFinder(Graph graph) {
    this.graph = Objects.requireNonNull(graph, "graph");
  }

  public Graph graph() {
    return graph;
  }

  /** Shortest path by km over all stations and links. */
  public Optional<List<String>> shortestPath(String from, String to) {
    return shortestPath(from, to, s -> true, (a, b) -> true);
  }

  /**
   * Dijkstra by km. Every station on the path, the two ends included, must satisfy
   * {@code stationUsable}, and every link {@code linkUsable} (asked as (from-side, to-side)).
   * Ties: fewer hops, then smaller id sequence. {@code from == to} gives {@code [from]} without
   * consulting the predicates: no link and no relay is needed.
   *
   * @return the station ids from {@code from} to {@code to}, or empty if none is usable
   * @throws IllegalArgumentException if either station is not in the graph
   */
  public Optional<List<String>> shortestPath(
      String from, String to, Predicate<String> stationUsable, BiPredicate<String, String> linkUsable) {
    graph.indexOf(from);
    graph.indexOf(to);
    if (from.equals(to)) {
      return Optional.of(List.of(from));
    }
    if (!stationUsable.test(from) || !stationUsable.test(to)) {
      return Optional.empty();
    }
    Comparator<Label> order =
        Comparator.comparingDouble(Label::km).thenComparing(Label::path, PATH_ORDER);
    PriorityQueue<Label> queue = new PriorityQueue<>(order);
    Map<String, Label> best = new HashMap<>();
    Set<String> settled = new HashSet<>();
    Label start = new Label(from, 0.0, List.of(from));
    best.put(from, start);
    queue.add(start);
    while (!queue.isEmpty()) {
      Label cur = queue.poll();
      if (!settled.add(cur.station())) {
        continue;
      }
      if (cur.station().equals(to)) {
        return Optional.of(cur.path());
      }
      for (Edge e : graph.edgesAt(cur.station())) {
        String next = e.other(cur.station());
        if (settled.contains(next)
            || !stationUsable.test(next)
            || !linkUsable.test(cur.station(), next)) {
          continue;
        }
        List<String> path = new ArrayList<>(cur.path());
        path.add(next);
        Label candidate = new Label(next, cur.km() + e.km(), List.copyOf(path));
        Label known = best.get(next);
        if (known == null || order.compare(candidate, known) < 0) {
          best.put(next, candidate);
          queue.add(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** Up to {@code k} node-disjoint paths over all stations and links; see the full overload. */
  public List<List<String>> nodeDisjointPaths(String from, String to, int k) {
    return nodeDisjointPaths(from, to, k, s -> true, (a, b) -> true);
  }

  /**
   * Up to {@code k} paths from {@code from} to {@code to} that share no station other than the
   * two ends (and no link), with the smallest total km among all such sets: min-cost max-flow
   * with each station split into an in/out pair of capacity 1. Exact, not a heuristic: unlike
   * taking shortest paths greedily, it finds two disjoint paths whenever they exist.
   * Sorted by {@link #shortestPath} order. Fewer than {@code k} paths means no more exist.
   * {@code from == to} gives the single path {@code [from]}.
   */
  public List<List<String>> nodeDisjointPaths(
      String from,
      String to,
      int k,
      Predicate<String> stationUsable,
      BiPredicate<String, String> linkUsable) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    graph.indexOf(from);
    graph.indexOf(to);
    if (from.equals(to)) {
      return List.of(List.of(from));
    }
    if (!stationUsable.test(from) || !stationUsable.test(to)) {
      return List.of();
    }
    List<List<String>> paths = new DisjointPaths(graph, stationUsable, linkUsable).find(from, to, k);
    List<List<String>> sorted = new ArrayList<>(paths);
    sorted.sort(Comparator.comparingDouble((List<String> p) -> graph.route(p).km())
        .thenComparing(PATH_ORDER));
    return List.copyOf(sorted);
  }

  private static int compareIds(List<String> x, List<String> y) {
    if (x.size() != y.size()) {
      return Integer.compare(x.size(), y.size());
    }
    for (int i = 0; i < x.size(); i++) {
      int c = x.get(i).compareTo(y.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private record Label(String station, double km, List<String> path) {}
}
