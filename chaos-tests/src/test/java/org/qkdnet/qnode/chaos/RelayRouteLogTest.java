package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The origin's route summary line, as RelayStats.intervalSummary writes it, is read back. */
class RelayRouteLogTest {
  private static final String LOG = """
      10:00:01.000 INFO  [x] o.q.q.s.Station - relays to CHA in the last 10 s: 523 delivered over ALP>BRA>CHA 300, ALP>DEL>CHA 223; failed: UNREACHABLE 2
      10:00:01.001 INFO  [x] o.q.q.s.Station - relays to BRA in the last 10 s: 4 delivered over ALP>BRA 4
      10:00:11.000 INFO  [x] o.q.q.s.Station - relays to CHA in the last 10 s: 0 delivered; failed: NO_ROUTE 7, TIMEOUT 1
      10:00:21.000 INFO  [x] o.q.q.s.Station - relays to CHA in the last 10 s: 12 delivered over ALP>DEL>CHA 12
      """;

  @Test
  void readsRoutesAndFailuresPerDestination() {
    List<RelayRouteLog.Summary> s = RelayRouteLog.summaries(LOG, "CHA");
    assertThat(s).hasSize(3);
    assertThat(s.get(0).delivered()).isEqualTo(523);
    assertThat(s.get(0).routes()).containsEntry("ALP>BRA>CHA", 300L).containsEntry("ALP>DEL>CHA", 223L);
    assertThat(s.get(0).failed()).isEqualTo("UNREACHABLE 2");
    assertThat(s.get(0).busiestRelay()).contains("BRA");
    assertThat(s.get(0).through("DEL")).isEqualTo(223);
    assertThat(s.get(0).through("ALP")).as("the origin is no transit").isZero();
    assertThat(s.get(1).routes()).isEmpty();
    assertThat(s.get(1).failed()).isEqualTo("NO_ROUTE 7, TIMEOUT 1");
    assertThat(s.get(1).busiestRelay()).isEmpty();
    assertThat(s.get(2).busiestRelay()).contains("DEL");
    assertThat(RelayRouteLog.summaries(LOG, "BRA").get(0).busiestRelay()).as("a direct link has no relay").isEmpty();
  }
}
