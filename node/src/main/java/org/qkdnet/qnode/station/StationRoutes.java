package org.qkdnet.qnode.station;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.qkdnet.qnode.cluster.LiveStations;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.relay.RelayRoutes;
import org.qkdnet.qnode.routing.Graph;
import org.qkdnet.qnode.routing.PathFinder;

/** The relay's view of routes at this station: topology, live members, local suspicion. */
final class StationRoutes implements RelayRoutes {
  private final String self;
  private final StationKeyStore store;
  private final TopologySpec topology;
  private final PathFinder paths;
  private final LiveStations live;
  private final int maxHops;
  private final long quarantineNanos;
  private final Map<String, Long> suspectUntil = new ConcurrentHashMap<>();

  StationRoutes(String self, StationKeyStore store, TopologySpec topology, LiveStations live, int maxHops,
      Duration quarantine) {
    this.self = self;
    this.store = store;
    this.topology = topology;
    this.paths = new PathFinder(topology.toGraph());
    this.live = live;
    this.maxHops = maxHops;
    this.quarantineNanos = quarantine.toNanos();
  }

  private boolean usable(String s, Avoid avoid) {
    return s.equals(self) || (live.isLive(s) && !isSuspect(s) && !avoid.stations().contains(s));
  }

  @Override
  public Optional<List<String>> route(String destination, long needBytes, Avoid avoid) {
    return paths.shortestPath(self, destination, s -> usable(s, avoid), (a, b) -> !avoid.avoidsLink(a, b));
  }

  @Override
  public List<List<String>> disjointRoutes(String destination, int k, long needBytes, Avoid avoid) {
    return paths.nodeDisjointPaths(self, destination, k, s -> usable(s, avoid), (a, b) -> !avoid.avoidsLink(a, b));
  }

  @Override
  public long capacity(List<String> route) {
    // until cluster-wide link state: only the first link's pool is known here
    return route.size() < 2 ? Long.MAX_VALUE : store.storedBytes(route.get(1)) == 0 ? 0
        : store.availableToSend(route.get(1)) + store.supply(route.get(1)).unassigned();
  }

  @Override
  public Optional<String> pathProblem(List<String> path) {
    Graph g = paths.graph();
    if (path.size() < 2) {
      return Optional.of("fewer than 2 stations");
    }
    if (path.size() - 1 > maxHops) {
      return Optional.of((path.size() - 1) + " hops, more than " + maxHops);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < path.size(); i++) {
      String s = path.get(i);
      if (s == null || !g.contains(s)) {
        return Optional.of("unknown station");
      }
      if (!seen.add(s)) {
        return Optional.of("visits " + s + " twice");
      }
      if (i > 0 && g.edge(path.get(i - 1), s).isEmpty()) {
        return Optional.of("no link between " + path.get(i - 1) + " and " + s);
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean isSaeAt(String saeId, String stationId) {
    return topology.sae(saeId).map(s -> s.stationId().equals(stationId)).orElse(false);
  }

  @Override
  public void suspect(String station) {
    suspectUntil.put(station, System.nanoTime() + quarantineNanos);
  }

  @Override
  public boolean isSuspect(String station) {
    Long until = suspectUntil.get(station);
    if (until == null) {
      return false;
    }
    if (System.nanoTime() - until > 0) {
      suspectUntil.remove(station, until);
      return false;
    }
    return true;
  }
}
