package org.qkdnet.qnode.routing;

import java.util.List;

/** A path through the network, origin first, and its total fiber length. */
public record Route(List<String> stations, double km) {
  public Route {
    stations = List.copyOf(stations);
    if (stations.isEmpty()) {
      throw new IllegalArgumentException("a route has at least one station");
    }
  }

  /** Number of links crossed; 0 for a route that stays at its origin. */
  public int hops() {
    return stations.size() - 1;
  }

  public String origin() {
    return stations.get(0);
  }

  public String destination() {
    return stations.get(stations.size() - 1);
  }

  /** Stations strictly between origin and destination: the ones that must be trusted. */
  public List<String> transit() {
    return stations.size() <= 2 ? List.of() : stations.subList(1, stations.size() - 1);
  }
}
