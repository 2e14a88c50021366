package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The supervisor's decisions, as systemd's Restart=on-failure would take them, without processes. */
class SupervisionTest {
  private static Supervision.Facts ended(String id, int exit, long at) {
    return new Supervision.Facts(id, false, false, exit, at, false, 0);
  }

  @Test
  void decide_stationThatFailedOnItsOwn_isRestartedAfterTheDelay() {
    List<Supervision.Facts> f = List.of(ended("DEL", 1, 10_000), ended("ECH", 137, 10_000));

    assertThat(Supervision.decide(f, 10_000 + Supervision.RESTART_DELAY_MS - 1).restart()).isEmpty();
    assertThat(Supervision.decide(f, 10_000 + Supervision.RESTART_DELAY_MS).restart())
        .containsExactly("DEL", "ECH");
  }

  @Test
  void decide_nowAndEndOnANegativeClock_stillCountsTheDelay() {
    // System.nanoTime may be negative: only the difference counts
    List<Supervision.Facts> f = List.of(ended("DEL", 1, -50_000));

    assertThat(Supervision.decide(f, -50_000 + 1_999).restart()).isEmpty();
    assertThat(Supervision.decide(f, -50_000 + 2_000).restart()).containsExactly("DEL");
  }

  @Test
  void decide_running_endedByTheHarness_held_orderly_badSettings_orEndNotSeenYet_areLeftAlone() {
    long now = 60_000;
    List<Supervision.Facts> f = List.of(
        new Supervision.Facts("ALP", true, false, 0, Supervision.NOT_SEEN_ENDED, false, 0),
        new Supervision.Facts("BRA", false, true, 137, 0, false, 0),
        new Supervision.Facts("CHA", false, false, 1, 0, true, 0),
        ended("DEL", 0, 0),
        ended("ECH", 2, 0),
        ended("FOX", 1, Supervision.NOT_SEEN_ENDED));

    Supervision.Decision d = Supervision.decide(f, now);

    assertThat(d.restart()).isEmpty();
    assertThat(d.givenUp()).isEmpty();
  }

  @Test
  void decide_heldStation_isRestartedOnceReleased() {
    Supervision.Facts held = new Supervision.Facts("CHA", false, false, 1, 0, true, 0);
    Supervision.Facts released = new Supervision.Facts("CHA", false, false, 1, 0, false, 0);

    assertThat(Supervision.decide(List.of(held), 60_000).restart()).isEmpty();
    assertThat(Supervision.decide(List.of(released), 60_000).restart()).containsExactly("CHA");
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

  @Test
  void decide_aStationThatAlwaysFails_isRestartedMaxTimes_thenGivenUp() {
    // DEL fails 100 ms after every start; the supervisor looks every PERIOD_MS, for a minute
    int restarts = 0;
    long endedAt = 0;
    List<Long> restartTimes = new ArrayList<>();
    boolean gaveUp = false;
    for (long now = 0; now <= 60_000; now += Supervision.PERIOD_MS) {
      Supervision.Decision d = Supervision.decide(
          List.of(new Supervision.Facts("DEL", false, false, 1, endedAt, false, restarts)), now);
      if (d.restart().contains("DEL")) {
        restarts++;
        restartTimes.add(now);
        endedAt = now + 100;
      }
      gaveUp |= d.givenUp().contains("DEL");
    }

    assertThat(restarts).isEqualTo(Supervision.MAX_RESTARTS);
    assertThat(gaveUp).isTrue();
    for (int i = 1; i < restartTimes.size(); i++) {
      assertThat(restartTimes.get(i) - restartTimes.get(i - 1)).isGreaterThanOrEqualTo(
          Supervision.RESTART_DELAY_MS + 100);
    }
  }

  @Test
  void holds_areCounted_aStationIsFreeOnceEveryHoldIsReleased() {
    Supervision.Holds h = new Supervision.Holds();
    h.hold(Set.of("ALP")); // a crash point armed at the start
    h.hold(Set.of("ALP", "BRA")); // a later fault on its victim too

    h.release(Set.of("ALP", "BRA"));

    assertThat(h.isHeld("ALP")).isTrue();
    assertThat(h.isHeld("BRA")).isFalse();
    h.release(Set.of("ALP"));
    assertThat(h.isHeld("ALP")).isFalse();
    h.release(Set.of("ALP")); // not held: nothing, and no negative count left behind
    h.hold(Set.of("ALP"));
    assertThat(h.isHeld("ALP")).isTrue();
    h.clear();
    assertThat(h.isHeld("ALP")).isFalse();
  }
}
