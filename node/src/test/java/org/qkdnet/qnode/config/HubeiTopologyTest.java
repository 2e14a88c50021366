package org.qkdnet.qnode.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.routing.PathFinder;

/** The Hubei model must keep the properties DESIGN.md promises for it. */
class HubeiTopologyTest {
  private static TopologySpec hubei;

  @BeforeAll
  static void load() {
    hubei = QnodeSettings.create(ConfigLoader.load("hubei")).topology();
  }

  private static List<String> backbone() {
    return hubei.stationsWithRole(Role.BACKBONE).stream().map(StationSpec::id).toList();
  }

  @Test
  void stations_are25With3Backbone() {
    assertThat(hubei.stations()).hasSize(25);
    assertThat(backbone()).containsExactlyInAnyOrder("WUH", "JGZ", "YCH");
    assertThat(hubei.stationsWithRole(Role.RELAY)).hasSize(22);
  }

  @Test
  void stations_includeNamedRelays() {
    assertThat(hubei.stations()).extracting(StationSpec::name)
        .contains("Wuhan", "Jingzhou", "Yichang", "Zhijiang", "Ezhou", "Huangshi");
  }

  @Test
  void stations_lieInsideHubei() {
    assertThat(hubei.stations()).allSatisfy(s -> {
      assertThat(s.lat()).isBetween(29.0, 33.3);
      assertThat(s.lon()).isBetween(108.3, 116.2);
    });
  }

  @Test
  void links_eachAtMost100Km_totalAbout1700() {
    assertThat(hubei.links()).allSatisfy(l -> assertThat(l.km()).isPositive().isLessThanOrEqualTo(100.0));
    assertThat(hubei.totalKm()).isBetween(1600.0, 1800.0);
  }

  @Test
  void links_fiberLongerThanStraightLine() {
    // Highway fiber follows the road: 1.2-1.4 x great-circle is the modelling rule.
    for (LinkSpec l : hubei.links()) {
      double gc = greatCircleKm(hubei.station(l.a()).orElseThrow(), hubei.station(l.b()).orElseThrow());
      assertThat(l.km() / gc).as(l.a() + "-" + l.b()).isBetween(1.19, 1.41);
    }
  }

  @Test
  void backbonePairs_haveTwoNodeDisjointPaths_byPathFinder() {
    PathFinder finder = new PathFinder(hubei.toGraph());
    List<String> bb = backbone();
    for (int i = 0; i < bb.size(); i++) {
      for (int j = i + 1; j < bb.size(); j++) {
        List<List<String>> paths = finder.nodeDisjointPaths(bb.get(i), bb.get(j), 2);
        assertThat(paths).as(bb.get(i) + "-" + bb.get(j)).hasSize(2);
        Set<String> inner = new HashSet<>(paths.get(0).subList(1, paths.get(0).size() - 1));
        assertThat(paths.get(1).subList(1, paths.get(1).size() - 1)).doesNotContainAnyElementsOf(inner);
      }
    }
  }

  @Test
  void backbonePairs_surviveLossOfAnyOneStation_byBruteForce() {
    // Independent of PathFinder (Menger: 2 node-disjoint paths <=> no single cut station).
    List<String> bb = backbone();
    for (int i = 0; i < bb.size(); i++) {
      for (int j = i + 1; j < bb.size(); j++) {
        for (StationSpec removed : hubei.stations()) {
          if (removed.id().equals(bb.get(i)) || removed.id().equals(bb.get(j))) {
            continue;
          }
          assertThat(connectedWithout(bb.get(i), bb.get(j), removed.id()))
              .as(bb.get(i) + "-" + bb.get(j) + " without " + removed.id())
              .isTrue();
        }
      }
    }
  }

  @Test
  void wholeNetwork_isConnected() {
    for (StationSpec s : hubei.stations()) {
      assertThat(connectedWithout("WUH", s.id(), "")).as(s.id()).isTrue();
    }
  }

  @Test
  void saes_atLeastTwoPerBackboneStation() {
    for (String id : backbone()) {
      assertThat(hubei.saesOf(id)).as(id).hasSizeGreaterThanOrEqualTo(2);
    }
    assertThat(hubei.sae("WUH-BANK")).isPresent();
    assertThat(hubei.operators()).containsExactly("admin");
  }

  private static boolean connectedWithout(String from, String to, String removed) {
    Set<String> seen = new HashSet<>(List.of(from));
    Deque<String> todo = new ArrayDeque<>(List.of(from));
    while (!todo.isEmpty()) {
      String cur = todo.pop();
      if (cur.equals(to)) {
        return true;
      }
      for (LinkSpec l : hubei.links()) {
        if (l.touches(cur)) {
          String next = l.other(cur);
          if (!next.equals(removed) && seen.add(next)) {
            todo.push(next);
          }
        }
      }
    }
    return false;
  }

  private static double greatCircleKm(StationSpec a, StationSpec b) {
    double la1 = Math.toRadians(a.lat());
    double la2 = Math.toRadians(b.lat());
    double dLat = la2 - la1;
    double dLon = Math.toRadians(b.lon() - a.lon());
    double h = Math.pow(Math.sin(dLat / 2), 2)
        + Math.cos(la1) * Math.cos(la2) * Math.pow(Math.sin(dLon / 2), 2);
    return 6371.0 * 2 * Math.asin(Math.sqrt(h));
  }
}
