package org.qkdnet.qnode.device.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.device.DecoyStateParameters;
import org.qkdnet.qnode.device.DecoyStateRate;
import org.qkdnet.qnode.device.QkdDevice.LinkEnds;
import org.qkdnet.qnode.crypto.KeyMaterial;

class FinishedKeySimulatorTest {
  private static final DecoyStateParameters P = DecoyStateParameters.defaults();

  @Test
  void frame_bothEndsOfTheLink_deriveIdenticalBytes() {
    // two independent device objects, as at two stations
    FinishedKeySimulator alice = new FinishedKeySimulator(LinkEnds.of("WUH", "EZH", 74), "s", P, 1);
    FinishedKeySimulator bob = new FinishedKeySimulator(LinkEnds.of("EZH", "WUH", 74), "s", P, 1);
    for (long f = 0; f < 5; f++) {
      try (KeyMaterial a = alice.frame(f, 1000); KeyMaterial b = bob.frame(f, 1000)) {
        assertThat(a.contentEquals(b)).isTrue();
      }
    }
  }

  @Test
  void frame_differentFramesLinksOrSeeds_differ() {
    FinishedKeySimulator d = new FinishedKeySimulator(LinkEnds.of("A", "B", 10), "s", P, 1);
    FinishedKeySimulator other = new FinishedKeySimulator(LinkEnds.of("A", "C", 10), "s", P, 1);
    FinishedKeySimulator reseeded = new FinishedKeySimulator(LinkEnds.of("A", "B", 10), "t", P, 1);
    KeyMaterial f0 = d.frame(0, 64);
    assertThat(f0.contentEquals(d.frame(1, 64))).isFalse();
    assertThat(f0.contentEquals(other.frame(0, 64))).isFalse();
    assertThat(f0.contentEquals(reseeded.frame(0, 64))).isFalse();
  }

  @Test
  void frame_prefixOfLongerFrame_isStable() {
    FinishedKeySimulator d = new FinishedKeySimulator(LinkEnds.of("A", "B", 10), "s", P, 1);
    assertThat(d.frame(7, 100).contentEquals(d.frame(7, 200).slice(0, 100))).isTrue();
  }

  @Test
  void secureBitsPerSecond_isTheDecoyStateRateTimesSpeedup() {
    FinishedKeySimulator d = new FinishedKeySimulator(LinkEnds.of("A", "B", 50), "s", P, 0.5);
    assertThat(d.secureBitsPerSecond()).isEqualTo(0.5 * DecoyStateRate.secureBitsPerSecond(P, 50));
  }

  @Test
  void frame_badArguments_fail() {
    FinishedKeySimulator d = new FinishedKeySimulator(LinkEnds.of("A", "B", 10), "s", P, 1);
    assertThatThrownBy(() -> d.frame(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.frame(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FinishedKeySimulator(LinkEnds.of("A", "B", 10), "s", P, 0))
        .hasMessageContaining("speedup");
  }

  @Test
  void toString_showsNoSeedOrKey() {
    FinishedKeySimulator d = new FinishedKeySimulator(LinkEnds.of("A", "B", 10), "secret-seed", P, 1);
    assertThat(d.toString()).doesNotContain("secret-seed").contains("A-B");
  }
}
