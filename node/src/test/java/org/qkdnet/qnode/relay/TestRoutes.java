package org.qkdnet.qnode.relay;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.qkdnet.qnode.routing.Edge;
import org.qkdnet.qnode.routing.Graph;
import org.qkdnet.qnode.routing.PathFinder;

/**
 * Routes for relay tests over a small graph: shortest paths by km avoiding what the request
 * avoids and what this station suspects; SAE "X-APP" lives at station X.
 */
final class TestRoutes implements RelayRoutes {
  private final String self;
  private final PathFinder paths;
  final Set<String> suspects = ConcurrentHashMap.newKeySet();
  /** Stations routes may not use (down in the cluster's view). */
  final Set<String> down = ConcurrentHashMap.newKeySet();
  /** Links suspected (a transport failure toward a destination neighbour), "A-B" as reported. */
  final Set<String> suspectLinks = ConcurrentHashMap.newKeySet();
  /** This station drained by an operator. */
  volatile boolean drained;

  TestRoutes(String self, Graph graph) {
    this.self = self;
    this.paths = new PathFinder(graph);
  }

  /** Stations in a line, 10 km apart. */
  static TestRoutes line(String self, List<String> stations) {
    List<Edge> edges = new ArrayList<>();
    for (int i = 1; i < stations.size(); i++) {
      edges.add(new Edge(stations.get(i - 1), stations.get(i), 10));
    }
    return new TestRoutes(self, new Graph(stations, edges));
  }

  private boolean usable(String s, Avoid avoid) {
    return s.equals(self) || (!down.contains(s) && !suspects.contains(s) && !avoid.stations().contains(s));
  }

  @Override
  public Optional<List<String>> route(String destination, long needBytes, Avoid avoid) {
    if (!paths.graph().contains(destination)) {
      return Optional.empty();
    }
    return paths.shortestPath(self, destination, s -> usable(s, avoid), (a, b) -> !avoid.avoidsLink(a, b));
  }

  @Override
  public List<List<String>> disjointRoutes(String destination, int k, long needBytes, Avoid avoid) {
    if (!paths.graph().contains(destination)) {
      return List.of();
    }
    return paths.nodeDisjointPaths(self, destination, k, s -> usable(s, avoid), (a, b) -> !avoid.avoidsLink(a, b));
  }

  @Override
  public boolean routesExistIgnoringKey(String destination, int k, Avoid avoid) {
    return disjointRoutes(destination, k, 0, avoid).size() >= k;
  }

  @Override
  public String whyNoRoute(String destination, long needBytes, Avoid avoid) {
    return "test routes: down " + down + ", suspect " + suspects;
  }

  @Override
  public void suspectLink(String a, String b) {
    suspectLinks.add(a + "-" + b);
  }

  @Override
  public boolean drained() {
    return drained;
  }

  @Override
  public long capacity(List<String> route) {
    return Long.MAX_VALUE;
  }

  @Override
  public Optional<String> pathProblem(List<String> path) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < path.size(); i++) {
      if (!paths.graph().contains(path.get(i)) || !seen.add(path.get(i))) {
        return Optional.of("not a simple path of the topology");
      }
      if (i > 0 && paths.graph().edge(path.get(i - 1), path.get(i)).isEmpty()) {
        return Optional.of("no link between " + path.get(i - 1) + " and " + path.get(i));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean isSaeAt(String saeId, String stationId) {
    return saeId.equals(stationId + "-APP");
  }

  @Override
  public void suspect(String station) {
    suspects.add(station);
  }

  @Override
  public boolean isSuspect(String station) {
    return suspects.contains(station);
  }
}
