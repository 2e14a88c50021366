package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static String text(List<Scenario> scenarios) {
    return String.join("\n", scenarios.stream().map(Scenario::describe).toList());
  }

  @Test
  void build_sameSeed_sameSchedule_otherSeed_otherSchedule() throws Exception {
    Schedule.Shape ci = ChaosNetwork.shape("ci");

    String a = text(Schedule.build("ci", 42, ci));
    String b = text(Schedule.build("ci", 42, ci));
    String c = text(Schedule.build("ci", 43, ci));

    assertThat(a).isEqualTo(b);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void build_ci_atLeastTwelveScenariosCoveringEveryKindAndEveryCrashPoint() throws Exception {
    List<Scenario> ci = Schedule.build("ci", 7, ChaosNetwork.shape("ci"));

    Set<String> kinds = new TreeSet<>();
    String all = text(ci);
    ci.forEach(s -> s.steps().forEach(st -> kinds.add(st.fault().kind())));
    assertThat(ci.size()).isGreaterThanOrEqualTo(12);
    assertThat(kinds).containsExactlyInAnyOrder("kill", "pause", "restart-all", "rolling-restart", "crash-point");
    assertThat(all).contains("kill:random", "kill:relay-in-use");
    for (String p : CrashPointFault.POINTS) {
      assertThat(all).contains("crash-point:" + p);
    }
  }

  @Test
  void build_soak_faultsEvery30sForAnHourOnSevenStations() throws Exception {
    Schedule.Shape shape = ChaosNetwork.shape("soak");
    List<Scenario> soak = Schedule.build("soak", 1, shape);

    assertThat(shape.stations()).hasSize(7);
    long faults = soak.stream().mapToLong(s -> s.steps().size()).sum();
    assertThat(faults * Schedule.SOAK_PERIOD_MS).isEqualTo(Schedule.SOAK_MILLIS);
    for (Scenario s : soak) {
      for (int i = 1; i < s.steps().size(); i++) {
        assertThat(s.steps().get(i).atMillis() - s.steps().get(i - 1).atMillis()).isEqualTo(Schedule.SOAK_PERIOD_MS);
      }
    }
  }

  @Test
  void shortestPath_ciRing_goesThroughTheNearSide() throws Exception {
    // ALP>CHA: two hops over BRA; the other node-disjoint route is ALP>ECH>DEL>CHA
    List<Scenario> ci = Schedule.build("ci", 1, ChaosNetwork.shape("ci"));
    assertThat(text(ci)).containsPattern("kill:relay-in-use (ALP-APP1>CHA-APP1|DEL-APP1>BRA-APP2)");
  }
}
