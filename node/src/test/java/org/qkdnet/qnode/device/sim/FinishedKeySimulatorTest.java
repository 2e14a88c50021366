package org.qkdnet.qnode.device.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.postprocessing.estimation.EpsilonBudget;
import org.qkdnet.qnode.device.QkdDevice.LinkEnds;
import org.qkdnet.qnode.crypto.KeyMaterial;

class FinishedKeySimulatorTest {
  @Test
  void frame_bothEndsOfTheLink_deriveIdenticalBytes() {
    // two independent device objects, as at two stations
    FinishedKeySimulator alice = FinishedKeySimulator.atRate(LinkEnds.of("WUH", "EZH", 74), "s", 1e6);
    FinishedKeySimulator bob = FinishedKeySimulator.atRate(LinkEnds.of("EZH", "WUH", 74), "s", 1e6);
    for (long f = 0; f < 5; f++) {
      try (KeyMaterial a = alice.frame(f, 1000); KeyMaterial b = bob.frame(f, 1000)) {
        assertThat(a.contentEquals(b)).isTrue();
      }
    }
  }

  @Test
  void frame_differentFramesLinksOrSeeds_differ() {
    FinishedKeySimulator d = FinishedKeySimulator.atRate(LinkEnds.of("A", "B", 10), "s", 1e6);
    FinishedKeySimulator other = FinishedKeySimulator.atRate(LinkEnds.of("A", "C", 10), "s", 1e6);
    FinishedKeySimulator reseeded = FinishedKeySimulator.atRate(LinkEnds.of("A", "B", 10), "t", 1e6);
    KeyMaterial f0 = d.frame(0, 64);
    assertThat(f0.contentEquals(d.frame(1, 64))).isFalse();
    assertThat(f0.contentEquals(other.frame(0, 64))).isFalse();
    assertThat(f0.contentEquals(reseeded.frame(0, 64))).isFalse();
  }

  @Test
  void frame_prefixOfLongerFrame_isStable() {
    FinishedKeySimulator d = FinishedKeySimulator.atRate(LinkEnds.of("A", "B", 10), "s", 1e6);
    assertThat(d.frame(7, 100).contentEquals(d.frame(7, 200).slice(0, 100))).isTrue();
  }

  @Test
  void secureBitsPerSecond_isTheFiniteKeyRateOfTheBb84TwinTimesSpeedup() {
    Bb84Parameters p = Bb84Parameters.defaults();
    EpsilonBudget eps = EpsilonBudget.DEFAULTS;
    FinishedKeySimulator d = new FinishedKeySimulator(LinkEnds.of("A", "B", 50), "s", p, 1_000_000, 128, eps, 0.5);
    double rate = FiniteKeyRate.secureBitsPerSecond(p, 50, 1_000_000, 1.16, 128, eps);
    assertThat(rate).isPositive();
    assertThat(d.secureBitsPerSecond()).isEqualTo(0.5 * rate);
    assertThat(FinishedKeySimulator.atRate(LinkEnds.of("A", "B", 50), "s", 123.0).secureBitsPerSecond())
        .isEqualTo(123.0);
  }

  @Test
  void frame_badArguments_fail() {
    FinishedKeySimulator d = FinishedKeySimulator.atRate(LinkEnds.of("A", "B", 10), "s", 1e6);
    assertThatThrownBy(() -> d.frame(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.frame(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FinishedKeySimulator(LinkEnds.of("A", "B", 10), "s", Bb84Parameters.defaults(),
        1_000_000, 128, EpsilonBudget.DEFAULTS, 0)).hasMessageContaining("speedup");
    assertThatThrownBy(() -> FinishedKeySimulator.atRate(LinkEnds.of("A", "B", 10), "s", 0))
        .hasMessageContaining("bits per second");
  }

  @Test
  void toString_showsNoSeedOrKey() {
    FinishedKeySimulator d = FinishedKeySimulator.atRate(LinkEnds.of("A", "B", 10), "secret-seed", 1e6);
    assertThat(d.toString()).doesNotContain("secret-seed").contains("A-B");
  }
}
