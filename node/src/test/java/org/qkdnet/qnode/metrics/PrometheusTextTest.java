package org.qkdnet.qnode.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void parse_samplesWithLabelsEscapesAndSpecialValues_readsThem() {
    PrometheusText p = PrometheusText.parse("""
        # HELP a_total help text
        # TYPE a_total counter
        a_total{x="1",y="q\\"uo\\\\te"} 3.0
        b 4e-3 1700000000000
        c_bucket{le="+Inf"} +Inf
        d NaN
        """);

    assertThat(p.samples()).hasSize(4);
    assertThat(p.find("a_total", Map.of("y", "q\"uo\\te")).get(0).value()).isEqualTo(3.0);
    assertThat(p.named("b").get(0).value()).isEqualTo(0.004);
    assertThat(p.named("c_bucket").get(0).label("le")).isEqualTo("+Inf");
    assertThat(p.named("d").get(0).value()).isNaN();
    assertThat(p.names("")).containsExactly("a_total", "b", "c_bucket", "d");
  }

  @Test
  void parse_lineWithoutValue_fails() {
    assertThatThrownBy(() -> PrometheusText.parse("a{x=\"1\"}\n")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrometheusText.parse("a{x=1} 2\n")).isInstanceOf(IllegalArgumentException.class);
  }
}
