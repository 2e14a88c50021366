package org.qkdnet.qnode.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable undirected graph of stations and fiber links. Stations are kept sorted by id and
 * every adjacency list by neighbor id, so that every algorithm on it is deterministic.
 */
public final class Graph {
  private final List<String> stations;
  private final Map<String, Integer> index;
  private final List<Edge> edges;
  private final Map<String, List<Edge>> adjacent;

  public Graph(Collection<String> stations, Collection<Edge> edges) {
    List<String> sorted = new ArrayList<>(stations);
    Collections.sort(sorted);
    Map<String, Integer> idx = new HashMap<>();
    for (String s : sorted) {
      if (idx.putIfAbsent(s, idx.size()) != null) {
        throw new IllegalArgumentException("duplicate station " + s);
      }
    }
    Map<String, List<Edge>> adj = new TreeMap<>();
    sorted.forEach(s -> adj.put(s, new ArrayList<>()));
    for (Edge e : edges) {
      if (!idx.containsKey(e.a()) || !idx.containsKey(e.b())) {
        throw new IllegalArgumentException("edge " + e.a() + "-" + e.b() + " names an unknown station");
      }
      if (adj.get(e.a()).stream().anyMatch(x -> x.connects(e.a(), e.b()))) {
        throw new IllegalArgumentException("duplicate edge " + e.a() + "-" + e.b());
      }
      adj.get(e.a()).add(e);
      adj.get(e.b()).add(e);
    }
    Map<String, List<Edge>> frozen = new HashMap<>();
    adj.forEach((s, list) -> {
      list.sort(Comparator.comparing((Edge e) -> e.other(s)));
      frozen.put(s, List.copyOf(list));
    });
    this.stations = List.copyOf(sorted);
    this.index = Map.copyOf(idx);
    this.edges = List.copyOf(edges);
    this.adjacent = Map.copyOf(frozen);
  }

  /** Station ids, sorted. */
  public List<String> stations() {
    return stations;
  }

  public List<Edge> edges() {
    return edges;
  }

  public boolean contains(String station) {
    return index.containsKey(station);
  }

  /** Links at {@code station}, sorted by the id of the far end. */
  public List<Edge> edgesAt(String station) {
    List<Edge> list = adjacent.get(station);
    if (list == null) {
      throw new IllegalArgumentException("unknown station " + station);
    }
    return list;
  }

  public Optional<Edge> edge(String a, String b) {
    if (!contains(a)) {
      return Optional.empty();
    }
    return adjacent.get(a).stream().filter(e -> e.connects(a, b)).findFirst();
  }

  /** The route along {@code path}; fails if two consecutive stations are not linked. */
  public Route route(List<String> path) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("empty path");
    }
    if (!contains(path.get(0))) {
      throw new IllegalArgumentException("unknown station " + path.get(0));
    }
    double km = 0;
    for (int i = 1; i < path.size(); i++) {
      String a = path.get(i - 1);
      String b = path.get(i);
      km += edge(a, b)
          .orElseThrow(() -> new IllegalArgumentException("no link between " + a + " and " + b))
          .km();
    }
    return new Route(path, km);
  }

  int indexOf(String station) {
    Integer i = index.get(station);
    if (i == null) {
      throw new IllegalArgumentException("unknown station " + station);
    }
    return i;
  }

  int size() {
    return stations.size();
  }
}
