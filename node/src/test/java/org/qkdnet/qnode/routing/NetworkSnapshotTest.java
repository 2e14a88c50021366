package org.qkdnet.qnode.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetworkSnapshotTest {

  private static TestNetwork pair() {
    return TestNetwork.of("ALP", "BRA").link("ALP", "BRA", 5_000, 3_000);
  }

  @Test
  void healthyPair_isUsable_withCapacityPerDirection() {
    NetworkSnapshot n = pair().snapshot();
    assertThat(n.endpointUsable("ALP")).isTrue();
    assertThat(n.transitUsable("ALP")).isTrue();
    assertThat(n.capacity("ALP", "BRA")).hasValue(5_000);
    assertThat(n.capacity("BRA", "ALP")).hasValue(3_000);
  }

  @Test
  void capacity_isMinOfSenderSendAndReceiverReceive_countingUnassigned() {
    // ALP can send 1000 + 4000 unassigned; BRA can receive only 2000 + 500 unassigned from ALP.
    StationReport alp = new StationReport("ALP", 1, 1, true, false,
        List.of(new LinkReport("ALP", "BRA", LinkStatus.UP, 1_000, 9_000, 4_000, 0, Double.NaN, Double.NaN, 0, 0, 0, false)));
    StationReport bra = new StationReport("BRA", 1, 1, true, false,
        List.of(new LinkReport("BRA", "ALP", LinkStatus.UP, 9_000, 2_000, 500, 0, Double.NaN, Double.NaN, 0, 0, 0, false)));
    NetworkSnapshot n = NetworkSnapshot.of(Set.of("ALP", "BRA"), Map.of("ALP", 1L, "BRA", 1L),
        Map.of("ALP", alp, "BRA", bra), s -> false, (a, b) -> false);
    assertThat(n.capacity("ALP", "BRA")).hasValue(2_500);
    assertThat(n.capacity("BRA", "ALP")).hasValue(9_500);
  }

  @Test
  void staleIncarnation_reportIgnored_untilRepublished() {
    NetworkSnapshot n = pair().stale("BRA").snapshot();
    assertThat(n.endpointUsable("BRA")).isFalse();
    assertThat(n.endpointProblem("BRA")).hasValueSatisfying(p -> assertThat(p).contains("no current report"));
    assertThat(n.capacity("ALP", "BRA")).isEmpty();
    assertThat(n.capacity("BRA", "ALP")).isEmpty();
    assertThat(n.endpointUsable("ALP")).isTrue();
  }

  @Test
  void missingReport_stationNotUsable() {
    NetworkSnapshot n = NetworkSnapshot.of(Set.of("ALP"), Map.of("ALP", 1L), Map.of(), s -> false, (a, b) -> false);
    assertThat(n.endpointUsable("ALP")).isFalse();
    assertThat(n.endpointProblem("ALP")).hasValueSatisfying(p -> assertThat(p).contains("no current report"));
  }

  @Test
  void notRoutable_stationAndItsLinksNotUsable() {
    NetworkSnapshot n = pair().notRoutable("BRA").snapshot();
    assertThat(n.endpointUsable("BRA")).isFalse();
    assertThat(n.capacity("ALP", "BRA")).isEmpty();
    assertThat(n.endpointProblem("ZZZ")).isPresent();
  }

  @Test
  void unhealthyStore_blocksStationAndLinks() {
    NetworkSnapshot n = pair().unhealthy("ALP").snapshot();
    assertThat(n.endpointUsable("ALP")).isFalse();
    assertThat(n.transitUsable("ALP")).isFalse();
    assertThat(n.capacity("BRA", "ALP")).isEmpty();
  }

  @Test
  void suspectStation_blocksStationAndLinks() {
    NetworkSnapshot n = pair().suspect("BRA").snapshot();
    assertThat(n.endpointProblem("BRA")).contains("suspect");
    assertThat(n.capacity("ALP", "BRA")).isEmpty();
  }

  @Test
  void drained_blocksOnlyTransit() {
    NetworkSnapshot n = pair().drained("BRA").snapshot();
    assertThat(n.endpointUsable("BRA")).isTrue();
    assertThat(n.transitUsable("BRA")).isFalse();
    assertThat(n.transitProblem("BRA")).contains("drained");
    assertThat(n.capacity("ALP", "BRA")).hasValue(5_000);
  }

  @Test
  void statusDown_atEitherEnd_blocksBothDirections() {
    NetworkSnapshot downAtAlp = pair().status("ALP", "BRA", LinkStatus.DOWN).snapshot();
    assertThat(downAtAlp.capacity("ALP", "BRA")).isEmpty();
    assertThat(downAtAlp.capacity("BRA", "ALP")).isEmpty();
    assertThat(downAtAlp.linkProblem("BRA", "ALP")).contains("status DOWN at ALP");

    NetworkSnapshot quarantinedAtBra = pair().status("BRA", "ALP", LinkStatus.QUARANTINED).snapshot();
    assertThat(quarantinedAtBra.capacity("ALP", "BRA")).isEmpty();
    assertThat(quarantinedAtBra.linkProblem("ALP", "BRA")).contains("status QUARANTINED at BRA");
    // The stations themselves stay usable: only the link is out.
    assertThat(quarantinedAtBra.endpointUsable("BRA")).isTrue();
  }

  @Test
  void linkReportedAtOneEndOnly_isNotUsable() {
    StationReport alp = new StationReport("ALP", 1, 1, true, false,
        List.of(new LinkReport("ALP", "BRA", LinkStatus.UP, 1_000, 1_000, 0, 0, Double.NaN, Double.NaN, 0, 0, 0, false)));
    StationReport bra = new StationReport("BRA", 1, 1, true, false, List.of());
    NetworkSnapshot n = NetworkSnapshot.of(Set.of("ALP", "BRA"), Map.of("ALP", 1L, "BRA", 1L),
        Map.of("ALP", alp, "BRA", bra), s -> false, (a, b) -> false);
    assertThat(n.capacity("ALP", "BRA")).isEmpty();
    assertThat(n.linkProblem("ALP", "BRA")).contains("no report of the link at BRA");
  }

  @Test
  void suspectLink_blocksBothDirections_whicheverWayItWasNamed() {
    NetworkSnapshot n = pair().suspectLink("BRA", "ALP").snapshot();
    assertThat(n.capacity("ALP", "BRA")).isEmpty();
    assertThat(n.capacity("BRA", "ALP")).isEmpty();
    assertThat(n.linkProblem("ALP", "BRA")).contains("suspect");
    assertThat(n.endpointUsable("ALP")).isTrue();
  }

  @Test
  void suspicionChangingLater_doesNotChangeTheSnapshot() {
    Set<String> suspects = new HashSet<>();
    StationReport alp = new StationReport("ALP", 1, 1, true, false, List.of());
    NetworkSnapshot n = NetworkSnapshot.of(Set.of("ALP"), Map.of("ALP", 1L), Map.of("ALP", alp), suspects::contains,
        (a, b) -> false);
    suspects.add("ALP");
    assertThat(n.endpointUsable("ALP")).isTrue();
  }

  @Test
  void ofCapacities_givesEachDirectionItsBytes() {
    NetworkSnapshot n = NetworkSnapshot.ofCapacities(Map.of("ALP", Map.of("BRA", 700L), "BRA", Map.of("CHA", 90L)));
    assertThat(n.capacity("ALP", "BRA")).hasValue(700);
    assertThat(n.capacity("BRA", "ALP")).hasValue(0);
    assertThat(n.capacity("BRA", "CHA")).hasValue(90);
    assertThat(n.capacity("ALP", "CHA")).isEqualTo(OptionalLong.empty());
    assertThat(n.transitUsable("BRA")).isTrue();
  }
}
