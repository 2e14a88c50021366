package org.qkdnet.qnode.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathCheckTest {
  private final Graph ring = TestNetwork.ring();

  @Test
  void problem_simpleLinkedPathWithinCap_isNone() {
    assertThat(PathCheck.problem(ring, List.of("ALP", "BRA", "CHA"), 3)).isEmpty();
    assertThat(PathCheck.problem(ring, List.of("DEL", "ALP"), 1)).isEmpty();
  }

  @Test
  void problem_fewerThanTwoStations_isReported() {
    assertThat(PathCheck.problem(ring, List.of("ALP"), 3)).hasValueSatisfying(p -> assertThat(p).contains("at least 2"));
    assertThat(PathCheck.problem(ring, List.of(), 3)).hasValueSatisfying(p -> assertThat(p).contains("0 stations"));
    assertThat(PathCheck.problem(ring, null, 3)).isPresent();
  }

  @Test
  void problem_unknownStation_isReported() {
    assertThat(PathCheck.problem(ring, List.of("ALP", "ZZZ"), 3))
        .hasValueSatisfying(p -> assertThat(p).contains("unknown station 'ZZZ'"));
  }

  @Test
  void problem_nullOrBlankStation_isReportedNotThrown() {
    assertThat(PathCheck.problem(ring, Arrays.asList("ALP", null, "CHA"), 3))
        .hasValueSatisfying(p -> assertThat(p).contains("station 2").contains("null"));
    assertThat(PathCheck.problem(ring, List.of("ALP", ""), 3))
        .hasValueSatisfying(p -> assertThat(p).contains("blank"));
  }

  @Test
  void problem_stationTwice_isNotASimplePath() {
    assertThat(PathCheck.problem(ring, List.of("ALP", "BRA", "ALP", "DEL"), 5))
        .hasValueSatisfying(p -> assertThat(p).contains("'ALP' visited twice"));
  }

  @Test
  void problem_unlinkedNeighbours_isReported() {
    assertThat(PathCheck.problem(ring, List.of("ALP", "CHA"), 3))
        .hasValueSatisfying(p -> assertThat(p).contains("no link between 'ALP' and 'CHA'"));
  }

  @Test
  void problem_moreHopsThanAllowed_isReported() {
    assertThat(PathCheck.problem(ring, List.of("ALP", "BRA", "CHA", "DEL"), 2))
        .hasValueSatisfying(p -> assertThat(p).contains("3 hops").contains("maximum of 2"));
  }

  @Test
  void problem_hostileId_isShortenedAndCannotBreakLogLines() {
    String hostile = "X\nFAKE LOG LINE" + "y".repeat(10_000);
    List<String> path = new ArrayList<>(List.of("ALP", hostile));
    assertThat(PathCheck.problem(ring, path, 3)).hasValueSatisfying(p -> {
      assertThat(p).doesNotContain("\n");
      assertThat(p.length()).isLessThan(200);
    });
  }
}
