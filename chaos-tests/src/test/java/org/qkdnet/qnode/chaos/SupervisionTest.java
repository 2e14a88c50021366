package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The supervisor's decisions, as systemd's Restart=on-failure would take them. */
class SupervisionTest {
  private static Supervision.Facts ended(String id, int exit, long at) {
    return new Supervision.Facts(id, false, false, exit, at, false, 0);
  }

  @Test
  void decide_stationThatFailedByItself_isRestartedAfterTheDelay() {
    List<Supervision.Facts> f = List.of(ended("DEL", 1, 10_000), ended("ECH", 137, 10_000));

    assertThat(Supervision.decide(f, 10_000 + Supervision.RESTART_DELAY_MS - 1).restart()).isEmpty();
    assertThat(Supervision.decide(f, 10_000 + Supervision.RESTART_DELAY_MS).restart())
        .containsExactly("DEL", "ECH");
  }

  @Test
  void decide_running_killedByTheHarness_held_orderlyOrBadSettings_areLeftAlone() {
    long now = 60_000;
    List<Supervision.Facts> f = List.of(
        new Supervision.Facts("ALP", true, false, 0, 0, false, 0),
        new Supervision.Facts("BRA", false, true, 137, 0, false, 0),
        new Supervision.Facts("CHA", false, false, 1, 0, true, 0),
        ended("DEL", 0, 0),
        ended("ECH", 2, 0));

    Supervision.Decision d = Supervision.decide(f, now);

    assertThat(d.restart()).isEmpty();
    assertThat(d.givenUp()).isEmpty();
  }

  @Test
  void decide_pastTheStartLimit_givesUp() {
    List<Supervision.Facts> f = List.of(
        new Supervision.Facts("DEL", false, false, 1, 0, false, Supervision.MAX_RESTARTS - 1),
        new Supervision.Facts("ECH", false, false, 1, 0, false, Supervision.MAX_RESTARTS));

    Supervision.Decision d = Supervision.decide(f, 60_000);

    assertThat(d.restart()).containsExactly("DEL");
    assertThat(d.givenUp()).containsExactly("ECH");
  }
}
