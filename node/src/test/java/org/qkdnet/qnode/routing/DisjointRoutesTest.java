package org.qkdnet.qnode.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DisjointRoutesTest {
  private static final long NEED = 1_000;
  private static final RoutingPolicy POLICY = new RoutingPolicy(4, 0);

  private final RoutePlanner ring = new RoutePlanner(TestNetwork.ring());

  private List<List<String>> ringRoutes(String from, String to, int k, NetworkView view, RoutingPolicy policy) {
    return ring.disjointRoutes(from, to, k, NEED, view, policy, Set.of(), Set.of());
  }

  @Test
  void disjointRoutes_ring_givesBothWaysRound() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).snapshot();
    assertThat(ringRoutes("ALP", "CHA", 2, view, POLICY))
        .containsExactly(List.of("ALP", "BRA", "CHA"), List.of("ALP", "DEL", "CHA"));
  }

  @Test
  void disjointRoutes_sortedBestFirst_fullerBeforeShorter() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000)
        .link("ALP", "BRA", 2_000).link("BRA", "CHA", 2_000).snapshot();
    assertThat(ringRoutes("ALP", "CHA", 3, view, POLICY))
        .containsExactly(List.of("ALP", "DEL", "CHA"), List.of("ALP", "BRA", "CHA"));
  }

  @Test
  void disjointRoutes_line_givesOne() {
    Graph line = new Graph(List.of("A", "B", "C"), List.of(new Edge("A", "B", 5), new Edge("B", "C", 5)));
    NetworkSnapshot view = TestNetwork.uniform(line, 50_000).snapshot();
    assertThat(new RoutePlanner(line).disjointRoutes("A", "C", 2, NEED, view, POLICY, Set.of(), Set.of()))
        .containsExactly(List.of("A", "B", "C"));
  }

  @Test
  void disjointRoutes_failedStation_givesOne() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).notRoutable("DEL").snapshot();
    assertThat(ringRoutes("ALP", "CHA", 2, view, POLICY)).containsExactly(List.of("ALP", "BRA", "CHA"));
  }

  @Test
  void disjointRoutes_avoidedStationOrLink_givesOne() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).snapshot();
    assertThat(ring.disjointRoutes("ALP", "CHA", 2, NEED, view, POLICY, Set.of("BRA"), Set.of()))
        .containsExactly(List.of("ALP", "DEL", "CHA"));
    assertThat(ring.disjointRoutes("ALP", "CHA", 2, NEED, view, POLICY, Set.of(), Set.of(LinkKey.of("DEL", "CHA"))))
        .containsExactly(List.of("ALP", "BRA", "CHA"));
  }

  @Test
  void disjointRoutes_capacityCountsInTheDirectionOfTravel() {
    // BRA -> CHA is nearly empty, CHA -> BRA full.
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).link("BRA", "CHA", 10, 50_000).snapshot();
    assertThat(ringRoutes("ALP", "CHA", 2, view, POLICY)).containsExactly(List.of("ALP", "DEL", "CHA"));
    assertThat(ringRoutes("CHA", "ALP", 2, view, POLICY))
        .containsExactly(List.of("CHA", "BRA", "ALP"), List.of("CHA", "DEL", "ALP"));
  }

  @Test
  void disjointRoutes_reserveKeptWherePossible_waivedForMore() {
    // Need 1000 + reserve 2000: only DEL's side keeps the reserve; BRA's 2500 still carries the need.
    RoutingPolicy reserve = new RoutingPolicy(4, 2_000);
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000)
        .link("ALP", "BRA", 2_500).link("BRA", "CHA", 2_500).snapshot();
    assertThat(ringRoutes("ALP", "CHA", 1, view, reserve)).containsExactly(List.of("ALP", "DEL", "CHA"));
    assertThat(ringRoutes("ALP", "CHA", 2, view, reserve)).hasSize(2);
  }

  @Test
  void disjointRoutes_hopCap_dropsLongRoutes() {
    Graph hexagon = new Graph(List.of("A", "B", "C", "D", "E", "F"), List.of(
        new Edge("A", "B", 1), new Edge("B", "C", 1), new Edge("C", "D", 1),
        new Edge("D", "E", 1), new Edge("E", "F", 1), new Edge("F", "A", 1)));
    NetworkSnapshot view = TestNetwork.uniform(hexagon, 50_000).snapshot();
    RoutePlanner p = new RoutePlanner(hexagon);
    assertThat(p.disjointRoutes("A", "C", 2, NEED, view, new RoutingPolicy(3, 0), Set.of(), Set.of()))
        .containsExactly(List.of("A", "B", "C"));
    assertThat(p.disjointRoutes("A", "C", 2, NEED, view, new RoutingPolicy(4, 0), Set.of(), Set.of()))
        .containsExactly(List.of("A", "B", "C"), List.of("A", "F", "E", "D", "C"));
  }

  @Test
  void disjointRoutes_cheapestPairTooLong_findsAnotherPairWithinHopCap() {
    // By km the best pair is S-A-T and S-X-Y-Z-T (4 hops); with at most 3 hops, S-B-T must replace the latter.
    Graph g = new Graph(List.of("S", "A", "B", "X", "Y", "Z", "T"), List.of(
        new Edge("S", "A", 1), new Edge("A", "T", 1),
        new Edge("S", "X", 1), new Edge("X", "Y", 1), new Edge("Y", "Z", 1), new Edge("Z", "T", 1),
        new Edge("S", "B", 10), new Edge("B", "T", 10)));
    NetworkSnapshot view = TestNetwork.uniform(g, 50_000).snapshot();
    assertThat(new RoutePlanner(g).disjointRoutes("S", "T", 2, NEED, view, new RoutingPolicy(3, 0), Set.of(), Set.of()))
        .containsExactly(List.of("S", "A", "T"), List.of("S", "B", "T"));
  }

  @Test
  void disjointRoutes_directLink_usedOnce() {
    Graph g = new Graph(List.of("S", "M", "T"), List.of(new Edge("S", "T", 1), new Edge("S", "M", 1), new Edge("M", "T", 1)));
    NetworkSnapshot view = TestNetwork.uniform(g, 50_000).snapshot();
    assertThat(new RoutePlanner(g).disjointRoutes("S", "T", 3, NEED, view, POLICY, Set.of(), Set.of()))
        .containsExactly(List.of("S", "T"), List.of("S", "M", "T"));
  }

  @Test
  void disjointRoutes_unusableEndpoint_isEmpty_sameStation_isThatStation() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).suspect("ALP").snapshot();
    assertThat(ringRoutes("ALP", "CHA", 2, view, POLICY)).isEmpty();
    assertThat(ringRoutes("CHA", "CHA", 2, view, POLICY)).containsExactly(List.of("CHA"));
  }

  @Test
  void disjointRoutes_kBelowOne_isRejected() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).snapshot();
    assertThatThrownBy(() -> ringRoutes("ALP", "CHA", 0, view, POLICY)).isInstanceOf(IllegalArgumentException.class);
  }
}
