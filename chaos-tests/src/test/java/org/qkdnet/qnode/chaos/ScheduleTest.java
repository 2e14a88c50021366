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
    for (long seed : new long[] {7, 20261206L, 1}) {
      List<Scenario> ci = Schedule.build("ci", seed, ChaosNetwork.shape("ci"));

      Set<String> kinds = new TreeSet<>();
      String all = text(ci);
      ci.forEach(s -> s.steps().forEach(st -> kinds.add(st.fault().kind())));
      assertThat(ci.size()).as("seed %d", seed).isBetween(12, 13);
      assertThat(kinds).as("seed %d", seed).containsExactlyInAnyOrder("kill", "pause", "partition", "link-cut",
          "restart-all", "crash-point", "disk-full", "clock-skew", "rolling-restart");
      assertThat(kinds).containsExactlyInAnyOrderElementsOf(Schedule.KINDS);
      assertThat(all).contains("kill:random", "kill:relay-in-use");
      for (String p : CrashPointFault.POINTS) {
        assertThat(all).as("seed %d", seed).containsOnlyOnce("crash-point:" + p + " ");
      }
    }
  }

  @Test
  void build_ci_crashPointsTwoOrThreeAScenario_eachOnAVictimOfItsOwn() throws Exception {
    for (long seed = 0; seed < 20; seed++) {
      List<Scenario> ci = Schedule.build("ci", seed, ChaosNetwork.shape("ci"));
      for (Scenario s : ci) {
        List<String> victims = s.steps().stream().filter(st -> st.fault() instanceof CrashPointFault)
            .map(st -> st.fault().detail().split(" ")[1]).toList();
        if (!victims.isEmpty()) {
          assertThat(s.steps()).as("%s seed %d", s.name(), seed).hasSizeBetween(2, 3);
          assertThat(new TreeSet<>(victims)).as("%s seed %d: %s", s.name(), seed, victims).hasSameSizeAs(victims);
        }
      }
    }
  }

  @Test
  void build_ci_shortAndLongPartitionAndPause_skewWithinBounds() throws Exception {
    List<Scenario> ci = Schedule.build("ci", 3, ChaosNetwork.shape("ci"));
    Scenario partition = ci.stream().filter(s -> s.name().equals("partition")).findFirst().orElseThrow();
    assertThat(partition.steps()).hasSize(2);
    assertThat(partition.steps().get(0).holdMillis()).isLessThan(5_000);
    assertThat(partition.steps().get(1).holdMillis()).isGreaterThan(PauseFault.DOWNED_AFTER_MILLIS);
    Scenario pause = ci.stream().filter(s -> s.name().equals("pause")).findFirst().orElseThrow();
    assertThat(pause.steps().get(0).holdMillis()).isLessThan(5_000);
    assertThat(pause.steps().get(1).holdMillis()).isGreaterThan(PauseFault.DOWNED_AFTER_MILLIS);
    for (long seed = 0; seed < 30; seed++) {
      for (Scenario s : Schedule.build("ci", seed, ChaosNetwork.shape("ci"))) {
        for (Scenario.Step st : s.steps()) {
          if (st.fault() instanceof ClockSkewFault f) {
            long secs = Math.abs(Long.parseLong(f.offsetText().replace("s", "").replace("+", "")));
            assertThat(secs).isBetween(Schedule.SKEW_MIN_S, Schedule.SKEW_MAX_S);
          }
        }
      }
    }
  }

  @Test
  void build_soak_drawsFromEveryKind() throws Exception {
    Set<String> kinds = new TreeSet<>();
    for (long seed = 1; seed <= 3; seed++) {
      Schedule.build("soak", seed, ChaosNetwork.shape("soak"))
          .forEach(s -> s.steps().forEach(st -> kinds.add(st.fault().kind())));
    }
    assertThat(kinds).containsExactlyInAnyOrderElementsOf(Schedule.KINDS);
  }

  @Test
  void leaveOut_withoutTheLab_networkFaultsSkippedSayingWhy() throws Exception {
    List<Scenario> ci = Schedule.build("ci", 7, ChaosNetwork.shape("ci"));
    List<ChaosSuite.Skipped> skipped = new java.util.ArrayList<>();

    List<Scenario> left = ChaosSuite.leaveOut(ci, java.util.Map.of(Fault.Need.NET_LAB, "no root here"), skipped);

    assertThat(left).extracting(Scenario::name).doesNotContain("partition", "link-cut").contains("disk-full");
    assertThat(left).hasSize(ci.size() - 2);
    assertThat(skipped).extracting(ChaosSuite.Skipped::scenario).containsExactlyInAnyOrder("partition", "link-cut");
    assertThat(skipped).allSatisfy(k -> {
      assertThat(k.wholeScenario()).isTrue();
      assertThat(k.toString()).contains("no root here");
    });
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
    // a link cut goes on a link a single-path route uses
    assertThat(text(ci)).containsPattern("link-cut:(ALP-BRA|BRA-CHA|CHA-DEL)");
  }
}
