package org.qkdnet.qnode.station;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.qkdnet.qnode.cluster.ClusterLinkStates;
import org.qkdnet.qnode.cluster.LiveStations;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.relay.RelayRoutes;
import org.qkdnet.qnode.routing.Graph;
import org.qkdnet.qnode.routing.NetworkSnapshot;
import org.qkdnet.qnode.routing.PathCheck;
import org.qkdnet.qnode.routing.RouteDecision;
import org.qkdnet.qnode.routing.RoutePlanner;
import org.qkdnet.qnode.routing.RoutingPolicy;
import org.qkdnet.qnode.routing.Suspicion;

/**
 * The relay's view of routes at this station: the topology, the cluster's members (Up and
 * reachable, current incarnation), every station's published link state, and this station's own
 * suspicion of neighbours that just failed. Each question takes a fresh snapshot of all of them.
 */
final class StationRoutes implements RelayRoutes {
  private final String self;
  private final TopologySpec topology;
  private final RoutePlanner planner;
  private final LiveStations live;
  private final ClusterLinkStates linkStates;
  private final Suspicion suspicion;
  private final RoutingPolicy policy;
  /** Set by the station once it knows its admin flags; false until then. */
  private volatile java.util.function.BooleanSupplier drained = () -> false;

  StationRoutes(String self, TopologySpec topology, LiveStations live, ClusterLinkStates linkStates,
      Suspicion suspicion, RoutingPolicy policy) {
    this.self = self;
    this.topology = topology;
    this.planner = new RoutePlanner(topology.toGraph());
    this.live = live;
    this.linkStates = linkStates;
    this.suspicion = suspicion;
    this.policy = policy;
  }

  NetworkSnapshot snapshot() {
    LiveStations.View v = live.view();
    return NetworkSnapshot.of(v.routable(), v.incarnations(), linkStates.snapshot(), suspicion::isStationSuspect,
        suspicion::isLinkSuspect);
  }

  @Override
  public Optional<List<String>> route(String destination, long needBytes, Avoid avoid) {
    if (!planner.graph().contains(destination)) {
      return Optional.empty();
    }
    return planner.route(self, destination, needBytes, snapshot(), policy, avoid.stations(), avoid.links());
  }

  /** The route a key of {@code needBytes} per hop would take now, with the reasons for what was left out. */
  RouteDecision explain(String destination, long needBytes) {
    return planner.explain(self, destination, needBytes, snapshot(), policy, Set.of(), Set.of());
  }

  /** As {@link #explain}, from any station of the topology (operators ask about the whole network). */
  RouteDecision explainFrom(String from, String destination, long needBytes) {
    return planner.explain(from, destination, needBytes, snapshot(), policy, Set.of(), Set.of());
  }

  /** The route of {@link #explainFrom}, without its reasons. */
  Optional<List<String>> routeFrom(String from, String destination, long needBytes) {
    return planner.route(from, destination, needBytes, snapshot(), policy, Set.of(), Set.of());
  }

  /** Up to {@code k} node-disjoint routes with {@code needBytes} of key from any station. */
  List<List<String>> disjointRoutesFrom(String from, String destination, int k, long needBytes) {
    return planner.disjointRoutes(from, destination, k, needBytes, snapshot(), policy, Set.of(), Set.of());
  }

  @Override
  public List<List<String>> disjointRoutes(String destination, int k, long needBytes, Avoid avoid) {
    if (!planner.graph().contains(destination)) {
      return List.of();
    }
    return planner.disjointRoutes(self, destination, k, needBytes, snapshot(), policy, avoid.stations(),
        avoid.links());
  }

  @Override
  public boolean routesExistIgnoringKey(String destination, int k, Avoid avoid) {
    if (!planner.graph().contains(destination)) {
      return false;
    }
    NetworkSnapshot now = snapshot();
    return k == 1
        ? planner.route(self, destination, 0, now, RoutingPolicy.noReserve(policy), avoid.stations(), avoid.links())
            .isPresent()
        : planner.disjointRoutes(self, destination, k, 0, now, RoutingPolicy.noReserve(policy), avoid.stations(),
            avoid.links()).size() >= k;
  }

  @Override
  public String whyNoRoute(String destination, long needBytes, Avoid avoid) {
    if (!planner.graph().contains(destination)) {
      return destination + " is not a station of the topology";
    }
    RouteDecision d = planner.explain(self, destination, needBytes, snapshot(), policy, avoid.stations(), avoid.links());
    StringBuilder b = new StringBuilder(d.summary());
    d.excludedStations().forEach((s, why) -> b.append("; ").append(s).append(": ").append(why));
    d.excludedLinks().forEach((l, why) -> b.append("; ").append(why.startsWith(l.a()) ? why : l + ": " + why));
    return b.length() > 600 ? b.substring(0, 600) + "..." : b.toString();
  }

  @Override
  public long capacity(List<String> route) {
    return planner.bottleneck(route, snapshot());
  }

  @Override
  public Optional<String> pathProblem(List<String> path) {
    return PathCheck.problem(planner.graph(), path, policy.maxHops());
  }

  @Override
  public boolean isSaeAt(String saeId, String stationId) {
    return topology.sae(saeId).map(s -> s.stationId().equals(stationId)).orElse(false);
  }

  @Override
  public boolean pairAllowed(String masterSae, String slaveSae) {
    return topology.pairAllowed(masterSae, slaveSae);
  }

  @Override
  public void suspect(String station) {
    if (!station.equals(self) && planner.graph().contains(station)) {
      suspicion.suspectStation(station);
    }
  }

  @Override
  public void suspectLink(String a, String b) {
    if (!a.equals(b) && planner.graph().edge(a, b).isPresent()) {
      suspicion.suspectLink(a, b);
    }
  }

  /** Where this station's drained flag is read (transit relays are refused while it holds). */
  void drainedFlag(java.util.function.BooleanSupplier flag) {
    this.drained = flag;
  }

  @Override
  public boolean drained() {
    return drained.getAsBoolean();
  }

  @Override
  public boolean isSuspect(String station) {
    return suspicion.isStationSuspect(station);
  }

  Graph graph() {
    return planner.graph();
  }
}
