package org.qkdnet.qnode.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Key-aware route choice at the origin of a relay. Each hop draws {@code needBytes} of pad from
 * its link in the direction of travel, so a route is usable only if every link direction on it
 * holds that much.
 *
 * <p>Among usable routes of at most {@link RoutingPolicy#maxHops} links the planner takes, in this
 * order: the fewest hops (every hop is a station that must be trusted and may fail); the fuller
 * route, by its bottleneck (least capacity on it) compared in powers of two, so that small pool
 * changes do not flip routes back and forth; fewer km; the smaller id sequence
 * ({@link PathFinder#PATH_ORDER}). Routes that keep {@link RoutingPolicy#reserveBytes} on every
 * link are preferred to all others; only if there is none is the reserve waived.
 *
 * <p>Pure and deterministic: the same graph and view give the same route on every station.
 * Avoided links are named by {@link LinkKey}, which is undirected, so a caller that saw a link
 * fail one way round need not know which way it is stored. Avoided stations are only kept out of
 * the interior of routes; the two ends are the caller's to choose.
 */
public final class RoutePlanner {
  private final Graph graph;
  private final PathFinder finder;

  public RoutePlanner(Graph graph) {
    this.graph = Objects.requireNonNull(graph, "graph");
    this.finder = new PathFinder(graph);
  }

  public Graph graph() {
    return graph;
  }

  /**
   * The best route from {@code from} to {@code to} for a relay of {@code needBytes}; see the class
   * comment for the order. {@code from == to} gives {@code [from]} without consulting the view.
   *
   * @return station ids from {@code from} to {@code to}, or empty if no route is usable
   * @throws IllegalArgumentException if a station is not in the graph or {@code needBytes < 0}
   */
  public Optional<List<String>> route(
      String from,
      String to,
      long needBytes,
      NetworkView view,
      RoutingPolicy policy,
      Set<String> avoidStations,
      Set<LinkKey> avoidLinks) {
    return plan(new Request(from, to, needBytes, view, policy, avoidStations, avoidLinks)).path();
  }

  /**
   * The same choice as {@link #route}, with the reasons behind it. Capacity reasons are measured
   * against the amount the decision finally required: need plus reserve if a route kept the
   * reserve, the need alone otherwise.
   */
  public RouteDecision explain(
      String from,
      String to,
      long needBytes,
      NetworkView view,
      RoutingPolicy policy,
      Set<String> avoidStations,
      Set<LinkKey> avoidLinks) {
    Request r = new Request(from, to, needBytes, view, policy, avoidStations, avoidLinks);
    Plan plan = plan(r);
    Map<String, String> stations = new TreeMap<>();
    for (String s : graph.stations()) {
      Optional<String> problem = s.equals(from) || s.equals(to)
          ? view.endpointProblem(s)
          : avoidStations.contains(s) ? Optional.of("avoided by request") : view.transitProblem(s);
      problem.ifPresent(p -> stations.put(s, p));
    }
    Map<LinkKey, String> links = new TreeMap<>();
    if (!from.equals(to)) {
      for (Edge e : graph.edges()) {
        if (!stations.containsKey(e.a()) && !stations.containsKey(e.b())) {
          linkReason(r, e, plan.threshold()).ifPresent(p -> links.put(LinkKey.of(e), p));
        }
      }
    }
    return new RouteDecision(
        plan.path(), plan.bottleneck(), plan.reserveWaived(), stations, links, summary(r, plan, stations));
  }

  /**
   * Up to {@code k} routes from {@code from} to {@code to} that share no station but the two ends
   * (min-cost flow, {@link PathFinder#nodeDisjointPaths}), each within the hop limit and able to
   * carry {@code needBytes} in its own direction of travel. Routes that keep the reserve are tried
   * first; if fewer than {@code k} do, the set found without the reserve is taken when it is larger.
   * Sorted best first by the order {@link #route} uses. Fewer than {@code k} means no more were
   * found; the caller decides whether that is enough. With a binding hop limit the count is best
   * effort, not guaranteed maximal (disjoint paths under a length bound is NP-hard): flow routes
   * that are too long are replaced one at a time by the best route around those already taken.
   * {@code from == to} gives {@code [[from]]}.
   */
  public List<List<String>> disjointRoutes(
      String from,
      String to,
      int k,
      long needBytes,
      NetworkView view,
      RoutingPolicy policy,
      Set<String> avoidStations,
      Set<LinkKey> avoidLinks) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    Request r = new Request(from, to, needBytes, view, policy, avoidStations, avoidLinks);
    if (from.equals(to)) {
      return List.of(List.of(from));
    }
    if (!view.endpointUsable(from) || !view.endpointUsable(to)) {
      return List.of();
    }
    List<List<String>> best = disjoint(r, k, r.strictThreshold());
    if (best.size() < k && policy.reserveBytes() > 0) {
      List<List<String>> loose = disjoint(r, k, needBytes);
      if (loose.size() > best.size()) {
        best = loose;
      }
    }
    return best;
  }

  /**
   * What {@code path} can deliver now: the least capacity along it in its direction of travel;
   * 0 if a link is missing or unusable or an interior station may not carry transit;
   * {@link Long#MAX_VALUE} for a path that stays at its origin.
   */
  public long bottleneck(List<String> path, NetworkView view) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(view, "view");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("empty path");
    }
    long least = Long.MAX_VALUE;
    for (int i = 1; i < path.size(); i++) {
      String u = path.get(i - 1);
      String v = path.get(i);
      if (graph.edge(u, v).isEmpty() || (i > 1 && !view.transitUsable(u))) {
        return 0;
      }
      OptionalLong c = view.capacity(u, v);
      if (c.isEmpty()) {
        return 0;
      }
      least = Math.min(least, c.getAsLong());
    }
    return least;
  }

  private Plan plan(Request r) {
    if (r.from.equals(r.to)) {
      return new Plan(Optional.of(List.of(r.from)), Long.MAX_VALUE, false, r.strictThreshold(), 0);
    }
    if (!r.view.endpointUsable(r.from) || !r.view.endpointUsable(r.to)) {
      return new Plan(Optional.empty(), 0, false, r.need, -1);
    }
    Found strict = search(r, r.strictThreshold());
    if (strict.label != null || r.policy.reserveBytes() == 0) {
      return strict.plan(false, r.strictThreshold());
    }
    return search(r, r.need).plan(true, r.need);
  }

  /**
   * Fewest hops, then fullest, then shortest, then smallest ids, among routes whose every link
   * direction holds {@code threshold}. Breadth-first search from both ends gives the hop count
   * and the arcs that lie on some shortest route (a layered DAG, so every route in it is simple);
   * a max-min pass over the DAG finds the best bottleneck bucket, and a min-km pass over the
   * arcs of at least that bucket picks the route. Exact for any graph: all candidates have the
   * same length, so the best prefix to a station extends to the best route through it.
   */
  private Found search(Request r, long threshold) {
    int n = graph.size();
    List<List<Arc>> out = new ArrayList<>();
    List<List<Arc>> in = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ArrayList<>());
      in.add(new ArrayList<>());
    }
    for (int u = 0; u < n; u++) {
      List<Edge> edges = graph.edgesAt(graph.stations().get(u));
      for (int j = 0; j < edges.size(); j++) {
        long cap = r.capacity[u][j];
        if (cap >= 0 && cap >= threshold) {
          Arc a = new Arc(u, r.head[u][j], cap, edges.get(j).km());
          out.get(u).add(a);
          in.get(a.to).add(a);
        }
      }
    }
    int s = graph.indexOf(r.from);
    int t = graph.indexOf(r.to);
    int[] order = new int[n];
    int[] dist = bfs(s, out, true, order);
    int hops = dist[t];
    if (hops < 0 || hops > r.policy.maxHops()) {
      return new Found(null, hops);
    }
    int[] distToEnd = bfs(t, in, false, new int[n]);

    int[] widest = new int[n];
    Arrays.fill(widest, Integer.MIN_VALUE);
    widest[s] = Integer.MAX_VALUE;
    for (int u : order) {
      if (u < 0 || widest[u] == Integer.MIN_VALUE) {
        continue;
      }
      for (Arc a : out.get(u)) {
        if (onShortestRoute(a, dist, distToEnd, hops)) {
          widest[a.to] = Math.max(widest[a.to], Math.min(widest[u], bucket(a.cap)));
        }
      }
    }
    int wanted = widest[t];

    Label[] best = new Label[n];
    best[s] = new Label(0.0, List.of(r.from), Long.MAX_VALUE);
    for (int u : order) {
      if (u < 0 || best[u] == null) {
        continue;
      }
      for (Arc a : out.get(u)) {
        if (bucket(a.cap) >= wanted && onShortestRoute(a, dist, distToEnd, hops)) {
          List<String> path = new ArrayList<>(best[u].path);
          path.add(graph.stations().get(a.to));
          Label candidate = new Label(best[u].km + a.km, List.copyOf(path), Math.min(best[u].bottleneck, a.cap));
          if (best[a.to] == null || candidate.compareTo(best[a.to]) < 0) {
            best[a.to] = candidate;
          }
        }
      }
    }
    return new Found(best[t], hops);
  }

  /**
   * Min-cost flow finds disjoint routes but knows nothing of hop limits; its routes are checked
   * again here in their own direction, and any it could not supply are sought one at a time
   * around the stations already taken.
   */
  private List<List<String>> disjoint(Request r, int k, long threshold) {
    List<List<String>> flow = finder.nodeDisjointPaths(
        r.from,
        r.to,
        k,
        s -> s.equals(r.from) || s.equals(r.to) || r.interior(s),
        (x, y) -> r.capacity(x, y) >= threshold);
    List<List<String>> kept = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (List<String> p : flow) {
      if (fits(r, p, threshold, used)) {
        kept.add(p);
        used.addAll(p.subList(1, p.size() - 1));
      }
    }
    while (kept.size() < k) {
      Set<String> avoidStations = new HashSet<>(r.avoidStations);
      avoidStations.addAll(used);
      Set<LinkKey> avoidLinks = new HashSet<>(r.avoidLinks);
      if (kept.stream().anyMatch(p -> p.size() == 2)) {
        avoidLinks.add(LinkKey.of(r.from, r.to));
      }
      Request narrower = new Request(r.from, r.to, r.need, r.view, r.policy, avoidStations, avoidLinks);
      Label next = search(narrower, threshold).label;
      if (next == null) {
        break;
      }
      kept.add(next.path);
      used.addAll(next.path.subList(1, next.path.size() - 1));
    }
    Comparator<List<String>> routeOrder = Comparator.comparingInt((List<String> p) -> p.size())
        .thenComparingInt(p -> -bucket(bottleneck(p, r.view)))
        .thenComparingDouble(p -> graph.route(p).km())
        .thenComparing(PathFinder.PATH_ORDER);
    kept.sort(routeOrder);
    return List.copyOf(kept);
  }

  /** Whether a route from the flow holds in its own direction and shares no station with {@code used}. */
  private static boolean fits(Request r, List<String> p, long threshold, Set<String> used) {
    if (p.size() < 2 || p.size() - 1 > r.policy.maxHops()
        || !p.get(0).equals(r.from) || !p.get(p.size() - 1).equals(r.to)) {
      return false;
    }
    Set<String> interior = new HashSet<>();
    for (int i = 1; i < p.size(); i++) {
      if (r.capacity(p.get(i - 1), p.get(i)) < threshold) {
        return false;
      }
      if (i < p.size() - 1) {
        String s = p.get(i);
        if (!r.interior(s) || used.contains(s) || !interior.add(s)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Why link {@code e} cannot carry this relay, or empty. Only directions a route of this request
   * could take are asked (none enters the origin or leaves the destination). Capacity is per
   * direction, so its reason names the direction; the others (status, suspicion, reports) hold
   * both ways and are given once.
   */
  private Optional<String> linkReason(Request r, Edge e, long threshold) {
    if (r.avoidLinks.contains(LinkKey.of(e))) {
      return Optional.of("avoided by request");
    }
    Set<String> reasons = new LinkedHashSet<>();
    for (String[] d : List.of(new String[] {e.a(), e.b()}, new String[] {e.b(), e.a()})) {
      if (d[1].equals(r.from) || d[0].equals(r.to)) {
        continue;
      }
      Optional<String> problem = r.view.linkProblem(d[0], d[1]);
      if (problem.isPresent()) {
        reasons.add(problem.get());
        continue;
      }
      long cap = r.view.capacity(d[0], d[1]).orElse(0);
      if (cap < threshold) {
        reasons.add(d[0] + "->" + d[1] + ": capacity " + cap + " B below " + threshold + " B");
      }
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
  }

  private static String summary(Request r, Plan plan, Map<String, String> excludedStations) {
    if (r.from.equals(r.to)) {
      return "origin is the destination: no relay needed";
    }
    for (String end : List.of(r.from, r.to)) {
      String problem = excludedStations.get(end);
      if (problem != null) {
        return (end.equals(r.from) ? "origin " : "destination ") + end + " not usable: " + problem;
      }
    }
    if (plan.path().isPresent()) {
      List<String> p = plan.path().get();
      return String.join("-", p) + ": " + (p.size() - 1) + " hop" + (p.size() == 2 ? "" : "s")
          + ", bottleneck " + plan.bottleneck() + " B"
          + (plan.reserveWaived() ? ", reserve of " + r.policy.reserveBytes() + " B waived" : "");
    }
    if (plan.shortestHops() > r.policy.maxHops()) {
      return "no route within " + r.policy.maxHops() + " hops: the shortest usable route has "
          + plan.shortestHops();
    }
    return "no usable route for " + r.need + " B";
  }

  private int[] bfs(int start, List<List<Arc>> arcs, boolean forward, int[] order) {
    int[] dist = new int[graph.size()];
    Arrays.fill(dist, -1);
    Arrays.fill(order, -1);
    dist[start] = 0;
    ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(start));
    int seen = 0;
    while (!queue.isEmpty()) {
      int u = queue.poll();
      order[seen++] = u;
      for (Arc a : arcs.get(u)) {
        int v = forward ? a.to : a.from;
        if (dist[v] < 0) {
          dist[v] = dist[u] + 1;
          queue.add(v);
        }
      }
    }
    return dist;
  }

  private static boolean onShortestRoute(Arc a, int[] dist, int[] distToEnd, int hops) {
    return dist[a.from] >= 0 && distToEnd[a.to] >= 0 && dist[a.from] + 1 + distToEnd[a.to] == hops;
  }

  /** floor(log2(bytes)): capacities within a factor of two count as equally full. */
  static int bucket(long bytes) {
    return bytes <= 0 ? -1 : 63 - Long.numberOfLeadingZeros(bytes);
  }

  /**
   * One request with the view's answers read once: per station whether it may be interior, per
   * link direction its capacity or -1 where this request may not use it at all.
   */
  private final class Request {
    final String from;
    final String to;
    final long need;
    final NetworkView view;
    final RoutingPolicy policy;
    final Set<String> avoidStations;
    final Set<LinkKey> avoidLinks;
    final boolean[] interior;
    /** [station index][position in graph.edgesAt(station)]. */
    final long[][] capacity;
    final int[][] head;

    Request(
        String from,
        String to,
        long need,
        NetworkView view,
        RoutingPolicy policy,
        Set<String> avoidStations,
        Set<LinkKey> avoidLinks) {
      this.from = Objects.requireNonNull(from, "from");
      this.to = Objects.requireNonNull(to, "to");
      this.view = Objects.requireNonNull(view, "view");
      this.policy = Objects.requireNonNull(policy, "policy");
      this.avoidStations = Set.copyOf(Objects.requireNonNull(avoidStations, "avoidStations"));
      this.avoidLinks = Set.copyOf(Objects.requireNonNull(avoidLinks, "avoidLinks"));
      if (need < 0) {
        throw new IllegalArgumentException("needBytes must not be negative, got " + need);
      }
      this.need = need;
      graph.indexOf(from);
      graph.indexOf(to);
      int n = graph.size();
      this.interior = new boolean[n];
      this.capacity = new long[n][];
      this.head = new int[n][];
      if (from.equals(to)) {
        return; // nothing to look up: no link is crossed
      }
      for (int i = 0; i < n; i++) {
        String s = graph.stations().get(i);
        interior[i] = !s.equals(from) && !s.equals(to) && !this.avoidStations.contains(s) && view.transitUsable(s);
      }
      for (int u = 0; u < n; u++) {
        String s = graph.stations().get(u);
        List<Edge> edges = graph.edgesAt(s);
        capacity[u] = new long[edges.size()];
        head[u] = new int[edges.size()];
        for (int j = 0; j < edges.size(); j++) {
          String t = edges.get(j).other(s);
          int v = graph.indexOf(t);
          head[u][j] = v;
          // Routes leave the origin, end at the destination, and pass only usable interiors.
          boolean tailOk = s.equals(from) || interior[u];
          boolean headOk = t.equals(to) || interior[v];
          capacity[u][j] = tailOk && headOk && !this.avoidLinks.contains(LinkKey.of(s, t))
              ? view.capacity(s, t).orElse(-1)
              : -1;
        }
      }
    }

    long strictThreshold() {
      long sum = need + policy.reserveBytes();
      return sum < 0 ? Long.MAX_VALUE : sum; // both are non-negative: overflow only saturates
    }

    boolean interior(String station) {
      return graph.contains(station) && interior[graph.indexOf(station)];
    }

    /** Capacity of direction {@code x -> y} for this request, -1 if it may not be used. */
    long capacity(String x, String y) {
      if (!graph.contains(x) || capacity[graph.indexOf(x)] == null) {
        return -1;
      }
      int u = graph.indexOf(x);
      List<Edge> edges = graph.edgesAt(x);
      for (int j = 0; j < edges.size(); j++) {
        if (edges.get(j).other(x).equals(y)) {
          return capacity[u][j];
        }
      }
      return -1;
    }
  }

  private record Arc(int from, int to, long cap, double km) {}

  /** The best route found so far to one station: fewer km, then smaller ids (equal hop counts). */
  private record Label(double km, List<String> path, long bottleneck) implements Comparable<Label> {
    @Override
    public int compareTo(Label o) {
      int c = Double.compare(km, o.km);
      return c != 0 ? c : PathFinder.PATH_ORDER.compare(path, o.path);
    }
  }

  /** A search's result: the route or null, and the fewest hops any usable route needs (-1: none). */
  private record Found(Label label, int shortestHops) {
    Plan plan(boolean reserveWaived, long threshold) {
      return label == null
          ? new Plan(Optional.empty(), 0, false, threshold, shortestHops)
          : new Plan(Optional.of(label.path()), label.bottleneck(), reserveWaived, threshold, shortestHops);
    }
  }

  private record Plan(
      Optional<List<String>> path, long bottleneck, boolean reserveWaived, long threshold, int shortestHops) {}
}
