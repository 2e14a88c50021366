package org.qkdnet.qnode.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayTraceTest {

  @Test
  void parse_delivered_onePath() {
    RelayTrace t = RelayTrace.parse("ALP->CHA", "delivered via ALP,BRA,CHA in 12 ms").orElseThrow();
    assertThat(t.from()).isEqualTo("ALP");
    assertThat(t.to()).isEqualTo("CHA");
    assertThat(t.delivered()).isTrue();
    assertThat(t.paths()).containsExactly(List.of("ALP", "BRA", "CHA"));
    assertThat(t.millis()).isEqualTo(12);
  }

  @Test
  void parse_delivered_twoDisjointPaths() {
    RelayTrace t = RelayTrace.parse("ALP->CHA", "delivered via ALP,BRA,CHA + ALP,DEL,CHA in 30 ms").orElseThrow();
    assertThat(t.paths()).containsExactly(List.of("ALP", "BRA", "CHA"), List.of("ALP", "DEL", "CHA"));
  }

  @Test
  void parse_failed_reasonAndStation() {
    RelayTrace t = RelayTrace.parse("ALP->CHA", "failed: POOL_EXHAUSTED at BRA").orElseThrow();
    assertThat(t.delivered()).isFalse();
    assertThat(t.paths()).isEmpty();
    assertThat(t.reason()).isEqualTo("POOL_EXHAUSTED");
    assertThat(t.at()).isEqualTo("BRA");
  }

  @Test
  void parse_notARelay_isEmpty() {
    assertThat(RelayTrace.parse("ALP-BRA", "UP -> DOWN")).isEmpty();
    assertThat(RelayTrace.parse("ALP->CHA", "delivered via ALP in 3 ms")).isEmpty();
    assertThat(RelayTrace.parse("ALP->CHA", "delivered via ALP,CHA in soon")).isEmpty();
    assertThat(RelayTrace.parse("->CHA", "failed: X at Y")).isEmpty();
  }
}
