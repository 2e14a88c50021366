package org.qkdnet.qnode.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyDemandTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void unusedLink_isNeverUrgent_evenEmpty() {
    KeyDemand d = new KeyDemand();
    for (int i = 0; i <= 100; i++) {
      assertThat(d.update(i * SECOND / 5, 0, 0, 0)).isFalse();
    }
    assertThat(d.bytesPerSecond()).isZero();
  }

  @Test
  void steadyUse_urgentWhenWhatIsHeldLastsLessThanTheHorizon_untilItLastsTwice() {
    KeyDemand d = new KeyDemand();
    long consumed = 0;
    // 1,000 B/s for a minute: the average settles at the rate
    for (int i = 0; i <= 300; i++) {
      consumed = i * 200L;
      d.update(i * SECOND / 5, consumed, 1_000_000, 0);
    }
    assertThat(d.bytesPerSecond()).isBetween(990.0, 1_010.0);
    long t = 300 * SECOND / 5;
    assertThat(d.update(t += SECOND / 5, consumed += 200, 10_500, 0)).as("10.5 s left").isFalse();
    assertThat(d.update(t += SECOND / 5, consumed += 200, 9_500, 0)).as("9.5 s left").isTrue();
    assertThat(d.update(t += SECOND / 5, consumed += 200, 15_000, 0)).as("15 s left: still urgent").isTrue();
    assertThat(d.update(t += SECOND / 5, consumed += 200, 20_500, 0)).as("20.5 s left").isFalse();
  }

  @Test
  void demandNotMet_makesAnEmptyLinkUrgent_atOnce() {
    KeyDemand d = new KeyDemand();
    d.update(0, 0, 0, 0);
    d.lacked(64);
    assertThat(d.update(SECOND / 5, 0, 0, 0)).isTrue();
    // and the first update after a start that already saw unmet demand
    KeyDemand fresh = new KeyDemand();
    fresh.lacked(64);
    assertThat(fresh.update(0, 0, 0, 0)).isTrue();
  }

  @Test
  void updatesCloserThanTheInterval_areSkipped_andUseSpreadsOverTheElapsedTime() {
    KeyDemand d = new KeyDemand();
    d.update(0, 0, 1_000, 0);
    assertThat(d.due(KeyDemand.MIN_INTERVAL_NANOS - 1)).isFalse();
    assertThat(d.update(KeyDemand.MIN_INTERVAL_NANOS - 1, 50_000, 1_000, 0)).isFalse();
    assertThat(d.bytesPerSecond()).isZero();
    assertThat(d.due(SECOND)).isTrue();
    // 50 kB over one second, against a 5 s average: about 50,000 x (1 - e^-0.2)
    assertThat(d.update(SECOND, 50_000, 1_000, 0)).isTrue();
    assertThat(d.bytesPerSecond()).isBetween(9_000.0, 9_100.0);
  }

  @Test
  void lackedBytes_negativeOrZero_ignored() {
    KeyDemand d = new KeyDemand();
    d.update(0, 0, 0, 0);
    d.lacked(0);
    d.lacked(-5);
    assertThat(d.update(SECOND, 0, 0, 0)).isFalse();
  }

  @Test
  void reserveRate_unusedLinkKeepsKeyForTheLoadAFailureWouldMoveOntoIt() {
    KeyDemand d = new KeyDemand();
    // nobody uses this link, but its station's busiest other link runs at 500 B/s
    assertThat(d.update(0, 0, 4_900, 500)).as("4.9 s of the other link's load").isTrue();
    assertThat(d.update(SECOND, 0, 9_900, 500)).as("still urgent below twice the horizon").isTrue();
    assertThat(d.update(2 * SECOND, 0, 10_100, 500)).isFalse();
    assertThat(d.update(3 * SECOND, 0, 5_100, 500)).as("5.1 s: not yet").isFalse();
    assertThat(d.update(4 * SECOND, 0, 5_100, 0)).as("no load to take over").isFalse();
    assertThat(d.update(5 * SECOND, 0, 0, Double.NaN)).as("an unknown reserve counts as none").isFalse();
    assertThat(d.update(6 * SECOND, 0, 0, -1)).isFalse();
  }

  @Test
  void reserveRate_addsToTheLinksOwnUse() {
    KeyDemand d = new KeyDemand();
    long consumed = 0;
    for (int i = 0; i <= 300; i++) { // 1,000 B/s of its own, held plenty
      consumed = i * 200L;
      d.update(i * SECOND / 5, consumed, 1_000_000, 1_000);
    }
    long t = 300 * SECOND / 5;
    assertThat(d.update(t += SECOND / 5, consumed += 200, 15_000, 0)).as("15 s of its own use").isFalse();
    assertThat(d.update(t += SECOND / 5, consumed += 200, 15_000, 1_000))
        .as("7.5 s if the other link's 1,000 B/s move onto it").isTrue();
  }
}
