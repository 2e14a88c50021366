package org.qkdnet.qnode.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutePlannerTest {
  private static final long NEED = 1_000;
  private static final RoutingPolicy NO_RESERVE = new RoutingPolicy(4, 0);

  private final RoutePlanner ring = new RoutePlanner(TestNetwork.ring());

  /** The ring with BRA's two links at {@code viaBra} bytes and DEL's at {@code viaDel}, both ways. */
  private static NetworkSnapshot ringPools(long viaBra, long viaDel) {
    return TestNetwork.of("ALP", "BRA", "CHA", "DEL")
        .link("ALP", "BRA", viaBra).link("BRA", "CHA", viaBra)
        .link("CHA", "DEL", viaDel).link("DEL", "ALP", viaDel)
        .snapshot();
  }

  private Optional<List<String>> ringRoute(String from, String to, NetworkView view, RoutingPolicy policy) {
    return ring.route(from, to, NEED, view, policy, Set.of(), Set.of());
  }

  @Test
  void route_equalPools_takesFewerKmViaBra() {
    assertThat(ringRoute("ALP", "CHA", ringPools(50_000, 50_000), NO_RESERVE)).contains(List.of("ALP", "BRA", "CHA"));
    assertThat(ringRoute("CHA", "ALP", ringPools(50_000, 50_000), NO_RESERVE)).contains(List.of("CHA", "BRA", "ALP"));
  }

  @Test
  void route_braLinksMuchEmptier_takesFullerRouteViaDel() {
    assertThat(ringRoute("ALP", "CHA", ringPools(4_000, 50_000), NO_RESERVE)).contains(List.of("ALP", "DEL", "CHA"));
  }

  @Test
  void route_smallPoolDifference_sameBucket_keepsFewerKm() {
    // 9,000 and 16,000 bytes are both in [8192, 16384): not enough difference to leave the shorter route.
    assertThat(ringRoute("ALP", "CHA", ringPools(9_000, 16_000), NO_RESERVE)).contains(List.of("ALP", "BRA", "CHA"));
  }

  @Test
  void route_fewestHops_winsOverFullerLongerRoute() {
    Graph g = new Graph(List.of("A", "B", "C"), List.of(new Edge("A", "B", 1), new Edge("B", "C", 1), new Edge("A", "C", 50)));
    NetworkSnapshot view = TestNetwork.of("A", "B", "C").link("A", "B", 1L << 40).link("B", "C", 1L << 40)
        .link("A", "C", 1_500).snapshot();
    assertThat(new RoutePlanner(g).route("A", "C", NEED, view, NO_RESERVE, Set.of(), Set.of())).contains(List.of("A", "C"));
  }

  @Test
  void route_reserveRespected_whenARouteKeepsIt() {
    // Need 1000 + reserve 2500: BRA's 3000 would be drawn below the reserve, DEL's 4000 would not.
    RoutingPolicy policy = new RoutingPolicy(4, 2_500);
    assertThat(ringRoute("ALP", "CHA", ringPools(3_000, 4_000), NO_RESERVE)).contains(List.of("ALP", "BRA", "CHA"));
    assertThat(ringRoute("ALP", "CHA", ringPools(3_000, 4_000), policy)).contains(List.of("ALP", "DEL", "CHA"));
    assertThat(ring.explain("ALP", "CHA", NEED, ringPools(3_000, 4_000), policy, Set.of(), Set.of()).reserveWaived())
        .isFalse();
  }

  @Test
  void route_reserveWaived_whenNoRouteKeepsIt() {
    RoutingPolicy policy = new RoutingPolicy(4, 2_500);
    NetworkSnapshot view = ringPools(3_000, 3_000);
    assertThat(ringRoute("ALP", "CHA", view, policy)).contains(List.of("ALP", "BRA", "CHA"));
    RouteDecision d = ring.explain("ALP", "CHA", NEED, view, policy, Set.of(), Set.of());
    assertThat(d.reserveWaived()).isTrue();
    assertThat(d.summary()).contains("reserve of 2500 B waived");
  }

  @Test
  void route_lessKeyThanNeeded_isEmpty() {
    assertThat(ringRoute("ALP", "CHA", ringPools(999, 999), NO_RESERVE)).isEmpty();
  }

  @Test
  void route_hopCap_refusesLongerRoutes() {
    Graph line = new Graph(List.of("A", "B", "C", "D"), List.of(new Edge("A", "B", 1), new Edge("B", "C", 1), new Edge("C", "D", 1)));
    NetworkSnapshot view = TestNetwork.uniform(line, 10_000).snapshot();
    RoutePlanner p = new RoutePlanner(line);
    assertThat(p.route("A", "D", NEED, view, new RoutingPolicy(2, 0), Set.of(), Set.of())).isEmpty();
    assertThat(p.route("A", "D", NEED, view, new RoutingPolicy(3, 0), Set.of(), Set.of()))
        .contains(List.of("A", "B", "C", "D"));
    assertThat(p.explain("A", "D", NEED, view, new RoutingPolicy(2, 0), Set.of(), Set.of()).summary())
        .contains("no route within 2 hops").contains("has 3");
  }

  @Test
  void route_hopCap_countsOnlyUsableRoutes() {
    // BRA is drained: the only route left, round by DEL, has 2 hops and maxHops is 1.
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 10_000).drained("BRA").snapshot();
    assertThat(ringRoute("ALP", "CHA", view, new RoutingPolicy(1, 0))).isEmpty();
    assertThat(ringRoute("ALP", "CHA", view, new RoutingPolicy(2, 0))).contains(List.of("ALP", "DEL", "CHA"));
  }

  @Test
  void route_avoidedStation_isGoneRound() {
    assertThat(ring.route("ALP", "CHA", NEED, ringPools(50_000, 50_000), NO_RESERVE, Set.of("BRA"), Set.of()))
        .contains(List.of("ALP", "DEL", "CHA"));
  }

  @Test
  void route_avoidedStationAsDestination_isStillReached() {
    assertThat(ring.route("ALP", "BRA", NEED, ringPools(50_000, 50_000), NO_RESERVE, Set.of("BRA"), Set.of()))
        .contains(List.of("ALP", "BRA"));
  }

  @Test
  void route_avoidedLink_namedEitherWay_isGoneRound() {
    assertThat(ring.route("ALP", "CHA", NEED, ringPools(50_000, 50_000), NO_RESERVE, Set.of(), Set.of(LinkKey.of("CHA", "BRA"))))
        .contains(List.of("ALP", "DEL", "CHA"));
  }

  @Test
  void route_capacityCountsInTheDirectionOfTravel() {
    // ALP -> BRA holds plenty, BRA -> ALP almost nothing.
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).link("ALP", "BRA", 50_000, 10).snapshot();
    assertThat(ringRoute("ALP", "CHA", view, NO_RESERVE)).contains(List.of("ALP", "BRA", "CHA"));
    assertThat(ringRoute("CHA", "ALP", view, NO_RESERVE)).contains(List.of("CHA", "DEL", "ALP"));
  }

  @Test
  void route_drainedStation_notTransit_butStillDestination() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).drained("BRA").snapshot();
    assertThat(ringRoute("ALP", "CHA", view, NO_RESERVE)).contains(List.of("ALP", "DEL", "CHA"));
    assertThat(ringRoute("ALP", "BRA", view, NO_RESERVE)).contains(List.of("ALP", "BRA"));
  }

  @Test
  void route_unusableDestination_isEmpty() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).suspect("CHA").snapshot();
    assertThat(ringRoute("ALP", "CHA", view, NO_RESERVE)).isEmpty();
  }

  @Test
  void route_staleReportOfRestartedStation_keepsItOutOfRoutes() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).stale("BRA").snapshot();
    assertThat(ringRoute("ALP", "CHA", view, NO_RESERVE)).contains(List.of("ALP", "DEL", "CHA"));
  }

  @Test
  void route_sameStation_isThatStation() {
    NetworkSnapshot nothingUsable = TestNetwork.of().snapshot();
    assertThat(ringRoute("BRA", "BRA", nothingUsable, NO_RESERVE)).contains(List.of("BRA"));
  }

  @Test
  void route_badArguments_areRejected() {
    NetworkSnapshot view = ringPools(50_000, 50_000);
    assertThatThrownBy(() -> ring.route("ALP", "ZZZ", NEED, view, NO_RESERVE, Set.of(), Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZZZ");
    assertThatThrownBy(() -> ring.route("ALP", "CHA", -1, view, NO_RESERVE, Set.of(), Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needBytes");
  }

  @Test
  void bottleneck_isLeastCapacityAlongThePath() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).link("BRA", "CHA", 700, 90_000).snapshot();
    assertThat(ring.bottleneck(List.of("ALP", "BRA", "CHA"), view)).isEqualTo(700);
    assertThat(ring.bottleneck(List.of("CHA", "BRA", "ALP"), view)).isEqualTo(50_000);
    assertThat(ring.bottleneck(List.of("ALP"), view)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void bottleneck_unusableLinkOrNoLinkOrDrainedTransit_isZero() {
    NetworkSnapshot down = TestNetwork.uniform(TestNetwork.ring(), 50_000).status("CHA", "BRA", LinkStatus.DOWN).snapshot();
    assertThat(ring.bottleneck(List.of("ALP", "BRA", "CHA"), down)).isZero();
    NetworkSnapshot fine = TestNetwork.uniform(TestNetwork.ring(), 50_000).snapshot();
    assertThat(ring.bottleneck(List.of("ALP", "CHA"), fine)).isZero();
    NetworkSnapshot drained = TestNetwork.uniform(TestNetwork.ring(), 50_000).drained("BRA").snapshot();
    assertThat(ring.bottleneck(List.of("ALP", "BRA", "CHA"), drained)).isZero();
  }

  @Test
  void explain_choosesWhatRouteChooses_withFigures() {
    NetworkSnapshot view = ringPools(4_000, 50_000);
    RouteDecision d = ring.explain("ALP", "CHA", NEED, view, NO_RESERVE, Set.of(), Set.of());
    assertThat(d.path()).isEqualTo(ringRoute("ALP", "CHA", view, NO_RESERVE));
    assertThat(d.hops()).isEqualTo(2);
    assertThat(d.bottleneck()).isEqualTo(50_000);
    assertThat(d.reserveWaived()).isFalse();
    assertThat(d.excludedStations()).isEmpty();
    assertThat(d.summary()).isEqualTo("ALP-DEL-CHA: 2 hops, bottleneck 50000 B");
  }

  @Test
  void explain_namesWhyStationsAreLeftOut() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).suspect("BRA").drained("DEL").snapshot();
    RouteDecision d = ring.explain("ALP", "CHA", NEED, view, NO_RESERVE, Set.of(), Set.of());
    assertThat(d.path()).isEmpty();
    assertThat(d.hops()).isEqualTo(-1);
    assertThat(d.excludedStations()).containsEntry("BRA", "suspect").containsEntry("DEL", "drained");
    assertThat(d.summary()).startsWith("no usable route");
  }

  @Test
  void explain_namesWhyLinksAreLeftOut() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000)
        .link("ALP", "BRA", 120, 50_000)
        .status("CHA", "DEL", LinkStatus.DOWN)
        .snapshot();
    RouteDecision d = ring.explain("ALP", "CHA", 4_160, view, NO_RESERVE, Set.of(), Set.of());
    assertThat(d.path()).isEmpty();
    assertThat(d.excludedLinks())
        .containsEntry(LinkKey.of("ALP", "BRA"), "ALP->BRA: capacity 120 B below 4160 B")
        .containsEntry(LinkKey.of("CHA", "DEL"), "status DOWN at CHA")
        .doesNotContainKey(LinkKey.of("BRA", "CHA"));
  }

  @Test
  void explain_oneDirectionShort_namesTheDirection() {
    // Only BRA -> CHA is short, and only that direction can lead to CHA.
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).link("BRA", "CHA", 120, 50_000).snapshot();
    RouteDecision d = ring.explain("ALP", "CHA", 4_160, view, NO_RESERVE, Set.of(), Set.of(LinkKey.of("ALP", "DEL")));
    assertThat(d.excludedLinks())
        .containsEntry(LinkKey.of("BRA", "CHA"), "BRA->CHA: capacity 120 B below 4160 B")
        .containsEntry(LinkKey.of("ALP", "DEL"), "avoided by request");
  }

  @Test
  void explain_unusableOrigin_saysSo() {
    NetworkSnapshot view = TestNetwork.uniform(TestNetwork.ring(), 50_000).unhealthy("ALP").snapshot();
    RouteDecision d = ring.explain("ALP", "CHA", NEED, view, NO_RESERVE, Set.of(), Set.of());
    assertThat(d.summary()).isEqualTo("origin ALP not usable: key store unhealthy");
  }
}
