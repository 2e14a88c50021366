package org.qkdnet.qnode.postprocessing.estimation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.device.sim.Bb84AliceView;
import org.qkdnet.qnode.device.sim.Bb84BobView;
import org.qkdnet.qnode.device.sim.Bb84Parameters;
import org.qkdnet.qnode.device.sim.Bb84Simulator;
import org.qkdnet.qnode.device.sim.Intensity;
import org.qkdnet.qnode.postprocessing.sifting.SiftedFrame;
import org.qkdnet.qnode.postprocessing.sifting.Sifter;

class FrameStatisticsTest {
  @Test
  void tally_bothEnds_computeTheSameCountsPerBasisAndTheSimulatedRates() {
    Bb84Parameters p = Bb84Parameters.defaults().withFrameSlots(20_000_000).withMisalignmentErrorX(0.05);
    Bb84Simulator sim = new Bb84Simulator(p, 25, 77);
    Bb84AliceView aliceView = sim.aliceView(0);
    Bb84BobView bobView = sim.bobView(0);
    Sifter.AliceSifting a = Sifter.alice(aliceView, Sifter.announce(bobView));
    SiftedFrame bob = Sifter.bob(bobView, a.reply());

    BlockCounts atAlice = FrameStatistics.tally(a.sifted(), bob.disclosedBits());
    BlockCounts atBob = FrameStatistics.tally(bob, a.sifted().disclosedBits());

    assertThat(atBob).isEqualTo(atAlice);
    assertThat(atAlice.keyBits()).isEqualTo(a.sifted().keyLength());
    Estimate e = new FrameCheck(0.11).check(0, atAlice);
    assertThat(e.accepted()).isTrue();
    // Detections per basis and class within 5 sigma of the binomial spread.
    double pz = p.zBasisProbability();
    for (Intensity k : Intensity.values()) {
      double q = sim.detectionProbability(k);
      double n = aliceView.pulses(k);
      double z = n * q * pz * pz;
      double x = n * q * (1 - pz) * (1 - pz);
      assertThat((double) atAlice.zDetections().get(k)).as("Z " + k).isBetween(z - 5 * Math.sqrt(z) - 1, z + 5 * Math.sqrt(z) + 1);
      assertThat((double) atAlice.xDetections().get(k)).as("X " + k).isBetween(x - 5 * Math.sqrt(x) - 1, x + 5 * Math.sqrt(x) + 1);
    }
    // The frame's QBER is the X basis's: 5 % here, not the Z basis's 1.5 %.
    double ex = sim.errorRate(Intensity.SIGNAL, true);
    double sigma = Math.sqrt(ex * (1 - ex) / atAlice.xDetections().signal());
    assertThat(e.qber()).isBetween(ex - 5 * sigma, ex + 5 * sigma);
    assertThat(ex).isGreaterThan(0.04);
  }

  @Test
  void frameCheck_dropsAboveTheAbortThreshold_andWithoutKey() {
    BlockCounts noisy = new BlockCounts(new PerClass(1000, 300, 10), new PerClass(100, 30, 1), new PerClass(12, 3, 1), 1);
    assertThat(new FrameCheck(0.11).check(1, noisy).dropReason()).get().asString().contains("abort threshold");
    BlockCounts noKey = new BlockCounts(PerClass.ZERO, new PerClass(100, 30, 1), new PerClass(1, 0, 0), 1);
    assertThat(new FrameCheck(0.11).check(1, noKey).dropReason()).get().asString().contains("no raw key");
    BlockCounts noTest = new BlockCounts(new PerClass(1000, 300, 10), PerClass.ZERO, PerClass.ZERO, 1);
    assertThat(new FrameCheck(0.11).check(1, noTest).dropReason()).get().asString().contains("X-basis");
    assertThatThrownBy(() -> new FrameCheck(0)).hasMessageContaining("abort QBER");
  }

  @Test
  void tally_peerDisclosedOfWrongLength_isRejected() {
    Bb84Parameters p = Bb84Parameters.defaults().withFrameSlots(1_000_000);
    Bb84Simulator sim = new Bb84Simulator(p, 25, 77);
    Bb84BobView bobView = sim.bobView(0);
    SiftedFrame alice = Sifter.alice(sim.aliceView(0), Sifter.announce(bobView)).sifted();
    SiftedFrame other = Sifter.bob(sim.bobView(1), Sifter.alice(sim.aliceView(1), Sifter.announce(sim.bobView(1))).reply());
    assertThatThrownBy(() -> FrameStatistics.tally(alice, other.disclosedBits())).hasMessageContaining("peer disclosed");
  }
}
