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
  void tally_bothEnds_computeTheSameCountsAndTheSimulatedGains() {
    Bb84Parameters p = Bb84Parameters.defaults().withFrameSlots(20_000_000);
    Bb84Simulator sim = new Bb84Simulator(p, 25, 77);
    Bb84AliceView aliceView = sim.aliceView(0);
    Bb84BobView bobView = sim.bobView(0);
    Sifter.AliceSifting a = Sifter.alice(aliceView, Sifter.announce(bobView));
    SiftedFrame bob = Sifter.bob(bobView, a.reply());
    FrameStatistics.SentPulses sent = new FrameStatistics.SentPulses(aliceView.pulses(Intensity.SIGNAL),
        aliceView.pulses(Intensity.DECOY), aliceView.pulses(Intensity.VACUUM));

    FrameStatistics atAlice = FrameStatistics.tally(a.sifted(), bob.disclosedBits(), sent, p.basisMatchProbability());
    FrameStatistics atBob = FrameStatistics.tally(bob, a.sifted().disclosedBits(), sent, p.basisMatchProbability());

    assertThat(atBob).isEqualTo(atAlice);
    Estimate e = new DecoyEstimator(p.signalIntensity(), p.decoyIntensity(), 0.11).estimate(atAlice);
    assertThat(e.accepted()).isTrue();
    // Gains within 5 sigma of the clicks' binomial spread.
    for (Intensity k : new Intensity[] {Intensity.SIGNAL, Intensity.DECOY}) {
      ClassCounts c = k == Intensity.SIGNAL ? atAlice.signal() : atAlice.decoy();
      double q = sim.detectionProbability(k);
      double expected = c.pulses() * q * p.basisMatchProbability();
      assertThat((double) c.matchedClicks()).as(k.toString())
          .isBetween(expected - 5 * Math.sqrt(expected), expected + 5 * Math.sqrt(expected));
    }
    double e0 = sim.errorRate(Intensity.SIGNAL);
    double sigma = Math.sqrt(e0 * (1 - e0) / atAlice.signal().disclosed());
    assertThat(e.qber()).isBetween(e0 - 5 * sigma, e0 + 5 * sigma);
  }

  @Test
  void tally_peerDisclosedOfWrongLength_isRejected() {
    Bb84Parameters p = Bb84Parameters.defaults().withFrameSlots(1_000_000);
    Bb84Simulator sim = new Bb84Simulator(p, 25, 77);
    Bb84BobView bobView = sim.bobView(0);
    SiftedFrame alice = Sifter.alice(sim.aliceView(0), Sifter.announce(bobView)).sifted();
    SiftedFrame other = Sifter.bob(sim.bobView(1), Sifter.alice(sim.aliceView(1), Sifter.announce(sim.bobView(1))).reply());
    assertThatThrownBy(() -> FrameStatistics.tally(alice, other.disclosedBits(),
        new FrameStatistics.SentPulses(1, 1, 1), 0.82)).hasMessageContaining("peer disclosed");
  }
}
