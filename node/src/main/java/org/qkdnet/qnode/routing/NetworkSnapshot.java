package org.qkdnet.qnode.routing;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * An immutable {@link NetworkView} built from cluster membership, the reports every station
 * publishes, and this station's local {@link Suspicion}. The suspicion predicates are evaluated
 * once, when the snapshot is built: a quarantine that ends halfway through planning must not make
 * two passes over the graph disagree.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>A report counts only if its incarnation is the station's current one: a restarted station's
 *       old report describes pools it may no longer hold, so it is ignored until the new process
 *       publishes.
 *   <li>Endpoint: routable member, current report, healthy store, not suspect. Transit: endpoint
 *       and not drained.
 *   <li>Link {@code from -> to}: both ends usable as endpoints, both current reports list the link
 *       with status UP, link not suspect; capacity = min(from's send capacity, to's receive
 *       capacity). Both ends must hold the key, which keeps a freshly restarted station's links out
 *       of routes until its own pools report key.
 * </ul>
 */
public final class NetworkSnapshot implements NetworkView {
  private final Map<String, String> endpointProblems;
  private final Map<String, StationReport> current;
  private final Set<LinkKey> suspectLinks;

  private NetworkSnapshot(
      Map<String, String> endpointProblems, Map<String, StationReport> current, Set<LinkKey> suspectLinks) {
    this.endpointProblems = Map.copyOf(endpointProblems);
    this.current = Map.copyOf(current);
    this.suspectLinks = Set.copyOf(suspectLinks);
  }

  /**
   * @param routable cluster members that are Up and reachable (the caller leaves out Joining and
   *     WeaklyUp members)
   * @param incarnations each member's current cluster incarnation (member uid)
   * @param reports the latest report published by each station, keyed by station id
   * @param stationSuspect this station's local suspicion of stations, asked once per station
   * @param linkSuspect this station's local suspicion of links, asked once per reported link
   */
  public static NetworkSnapshot of(
      Set<String> routable,
      Map<String, Long> incarnations,
      Map<String, StationReport> reports,
      Predicate<String> stationSuspect,
      BiPredicate<String, String> linkSuspect) {
    Objects.requireNonNull(routable, "routable");
    Objects.requireNonNull(incarnations, "incarnations");
    Objects.requireNonNull(reports, "reports");
    Objects.requireNonNull(stationSuspect, "stationSuspect");
    Objects.requireNonNull(linkSuspect, "linkSuspect");

    Map<String, StationReport> current = new HashMap<>();
    Map<String, String> problems = new HashMap<>();
    Set<String> known = new TreeSet<>(routable);
    known.addAll(reports.keySet());
    for (String station : known) {
      StationReport report = reports.get(station);
      Long incarnation = incarnations.get(station);
      // A report filed under another station's key is somebody's bug; it describes nothing here.
      boolean isCurrent = report != null && incarnation != null
          && report.station().equals(station) && report.incarnation() == incarnation;
      if (isCurrent) {
        current.put(station, report);
      }
      String problem;
      if (!routable.contains(station)) {
        problem = "not a routable cluster member";
      } else if (report == null) {
        problem = "no current report (none published)";
      } else if (!report.station().equals(station)) {
        problem = "no current report (the report filed for it names " + report.station() + ")";
      } else if (!isCurrent) {
        problem = "no current report (report of incarnation " + report.incarnation() + ", current "
            + (incarnation == null ? "unknown" : incarnation) + ")";
      } else if (!report.storeHealthy()) {
        problem = "key store unhealthy";
      } else if (stationSuspect.test(station)) {
        problem = "suspect";
      } else {
        problem = null; // drained or not: draining only stops transit, see transitProblem
      }
      if (problem != null) {
        problems.put(station, problem);
      }
    }

    Set<LinkKey> suspectLinks = new HashSet<>();
    for (StationReport report : current.values()) {
      for (LinkReport link : report.links()) {
        if (link.peer().equals(link.station())) {
          continue;
        }
        LinkKey key = LinkKey.of(link.station(), link.peer());
        // Asked both ways round: the predicate need not be symmetric, the link is.
        if (linkSuspect.test(key.a(), key.b()) || linkSuspect.test(key.b(), key.a())) {
          suspectLinks.add(key);
        }
      }
    }
    return new NetworkSnapshot(problems, current, suspectLinks);
  }

  /**
   * For tests and tools: every station mentioned is routable, current, healthy and not suspect,
   * and {@code bytes.get(s).get(p)} is the capacity of direction {@code s -> p} (missing = 0 in
   * that direction; a link exists if either direction is mentioned), every link UP.
   */
  public static NetworkSnapshot ofCapacities(Map<String, Map<String, Long>> bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Set<String> stations = new TreeSet<>(bytes.keySet());
    bytes.values().forEach(m -> stations.addAll(m.keySet()));
    Map<String, Set<String>> peers = new HashMap<>();
    bytes.forEach((s, m) -> m.keySet().forEach(p -> {
      peers.computeIfAbsent(s, x -> new TreeSet<>()).add(p);
      peers.computeIfAbsent(p, x -> new TreeSet<>()).add(s);
    }));
    Map<String, StationReport> reports = new HashMap<>();
    Map<String, Long> incarnations = new HashMap<>();
    for (String s : stations) {
      List<LinkReport> links = peers.getOrDefault(s, Set.of()).stream()
          .map(p -> new LinkReport(s, p, LinkStatus.UP, bytesOf(bytes, s, p), bytesOf(bytes, p, s), 0, 0, Double.NaN,
              Double.NaN, 0, 0, 0, false))
          .toList();
      reports.put(s, new StationReport(s, 1, 1, true, false, links));
      incarnations.put(s, 1L);
    }
    return of(stations, incarnations, reports, s -> false, (a, b) -> false);
  }

  @Override
  public boolean endpointUsable(String station) {
    return endpointProblem(station).isEmpty();
  }

  @Override
  public boolean transitUsable(String station) {
    return transitProblem(station).isEmpty();
  }

  @Override
  public OptionalLong capacity(String from, String to) {
    if (linkProblem(from, to).isPresent()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.min(
        current.get(from).link(to).orElseThrow().sendCapacity(),
        current.get(to).link(from).orElseThrow().receiveCapacity()));
  }

  @Override
  public Optional<String> endpointProblem(String station) {
    Objects.requireNonNull(station, "station");
    if (!current.containsKey(station) && !endpointProblems.containsKey(station)) {
      return Optional.of("not a routable cluster member");
    }
    return Optional.ofNullable(endpointProblems.get(station));
  }

  @Override
  public Optional<String> transitProblem(String station) {
    Optional<String> problem = endpointProblem(station);
    if (problem.isPresent()) {
      return problem;
    }
    return current.get(station).drained() ? Optional.of("drained") : Optional.empty();
  }

  @Override
  public Optional<String> linkProblem(String from, String to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.equals(to)) {
      return Optional.of("no link from a station to itself");
    }
    for (String end : List.of(from, to)) {
      Optional<String> problem = endpointProblem(end);
      if (problem.isPresent()) {
        return Optional.of(end + " " + problem.get());
      }
    }
    Optional<LinkReport> atFrom = current.get(from).link(to);
    Optional<LinkReport> atTo = current.get(to).link(from);
    if (atFrom.isEmpty()) {
      return Optional.of("no report of the link at " + from);
    }
    if (atTo.isEmpty()) {
      return Optional.of("no report of the link at " + to);
    }
    if (atFrom.get().status() != LinkStatus.UP) {
      return Optional.of("status " + atFrom.get().status() + " at " + from);
    }
    if (atTo.get().status() != LinkStatus.UP) {
      return Optional.of("status " + atTo.get().status() + " at " + to);
    }
    if (suspectLinks.contains(LinkKey.of(from, to))) {
      return Optional.of("suspect");
    }
    return Optional.empty();
  }

  private static long bytesOf(Map<String, Map<String, Long>> bytes, String from, String to) {
    return bytes.getOrDefault(from, Map.of()).getOrDefault(to, 0L);
  }
}
