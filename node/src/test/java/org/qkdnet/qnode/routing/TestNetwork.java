package org.qkdnet.qnode.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link NetworkSnapshot} for tests: every station routable, current, healthy and trusted
 * until told otherwise, every link UP at both ends with the given bytes per direction.
 */
final class TestNetwork {
  private final Map<String, Map<String, LinkReport>> links = new LinkedHashMap<>();
  private final Set<String> notRoutable = new HashSet<>();
  private final Set<String> stale = new HashSet<>();
  private final Set<String> unhealthy = new HashSet<>();
  private final Set<String> drained = new HashSet<>();
  private final Set<String> suspects = new HashSet<>();
  private final Set<LinkKey> suspectLinks = new HashSet<>();

  static TestNetwork of(String... stations) {
    TestNetwork n = new TestNetwork();
    for (String s : stations) {
      n.links.put(s, new LinkedHashMap<>());
    }
    return n;
  }

  /** Every link of {@code graph} with {@code bytes} in each direction. */
  static TestNetwork uniform(Graph graph, long bytes) {
    TestNetwork n = of(graph.stations().toArray(String[]::new));
    graph.edges().forEach(e -> n.link(e.a(), e.b(), bytes, bytes));
    return n;
  }

  /** The link a-b UP at both ends, {@code aToB} bytes relayable from a to b and {@code bToA} back. */
  TestNetwork link(String a, String b, long aToB, long bToA) {
    put(new LinkReport(a, b, LinkStatus.UP, aToB, bToA, 0, 0, Double.NaN, Double.NaN, 0, 0, 0, false));
    put(new LinkReport(b, a, LinkStatus.UP, bToA, aToB, 0, 0, Double.NaN, Double.NaN, 0, 0, 0, false));
    return this;
  }

  /** Same bytes both ways. */
  TestNetwork link(String a, String b, long bytes) {
    return link(a, b, bytes, bytes);
  }

  /** {@code station}'s own report of its link to {@code peer} gets {@code status}. */
  TestNetwork status(String station, String peer, LinkStatus status) {
    LinkReport l = links.get(station).get(peer);
    put(new LinkReport(station, peer, status, l.sendBytes(), l.receiveBytes(), l.unassignedBytes(), 0, Double.NaN,
        Double.NaN, 0, 0, 0, false));
    return this;
  }

  TestNetwork notRoutable(String station) {
    notRoutable.add(station);
    return this;
  }

  /** The station restarted and has not published yet: its report is of the old incarnation. */
  TestNetwork stale(String station) {
    stale.add(station);
    return this;
  }

  TestNetwork unhealthy(String station) {
    unhealthy.add(station);
    return this;
  }

  TestNetwork drained(String station) {
    drained.add(station);
    return this;
  }

  TestNetwork suspect(String station) {
    suspects.add(station);
    return this;
  }

  TestNetwork suspectLink(String a, String b) {
    suspectLinks.add(LinkKey.of(a, b));
    return this;
  }

  NetworkSnapshot snapshot() {
    Set<String> routable = new HashSet<>(links.keySet());
    routable.removeAll(notRoutable);
    Map<String, Long> incarnations = new HashMap<>();
    Map<String, StationReport> reports = new HashMap<>();
    links.forEach((s, mine) -> {
      incarnations.put(s, stale.contains(s) ? 8L : 7L);
      reports.put(s, new StationReport(s, 7, 1, !unhealthy.contains(s), drained.contains(s), new ArrayList<>(mine.values())));
    });
    return NetworkSnapshot.of(routable, incarnations, reports, suspects::contains,
        (a, b) -> suspectLinks.contains(LinkKey.of(a, b)));
  }

  private void put(LinkReport l) {
    links.computeIfAbsent(l.station(), s -> new LinkedHashMap<>()).put(l.peer(), l);
  }

  /** The development ring ALP-BRA-CHA-DEL-ALP with its km. */
  static Graph ring() {
    return new Graph(List.of("ALP", "BRA", "CHA", "DEL"), List.of(
        new Edge("ALP", "BRA", 25), new Edge("BRA", "CHA", 35), new Edge("CHA", "DEL", 30), new Edge("DEL", "ALP", 40)));
  }
}
