package org.qkdnet.qnode.device.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.device.QkdDevice.LinkEnds;

/**
 * Seeded statistics of the simulator against the model's closed forms. Tolerances are 5 binomial
 * standard deviations of the count being checked (a false failure about once in 3.5 million runs;
 * the seeds are fixed anyway, so a failure means a change in the physics, not bad luck).
 */
class Bb84SimulatorTest {
  private static final int SLOTS = 20_000_000;
  private static final int FRAMES = 3;

  private static Bb84Parameters params(double darkCount, double misalignment) {
    return params(darkCount, 0, misalignment, misalignment);
  }

  private static Bb84Parameters params(double darkCount, double afterpulse, double misalignmentZ,
      double misalignmentX) {
    Bb84Parameters d = Bb84Parameters.defaults();
    return new Bb84Parameters(d.pulseRateHz(), d.fiberLossDbPerKm(), d.detectorEfficiency(), darkCount,
        afterpulse, misalignmentZ, misalignmentX, d.signalIntensity(), d.decoyIntensity(), d.signalProbability(),
        d.decoyProbability(), d.vacuumProbability(), d.zBasisProbability(), SLOTS);
  }

  /**
   * Per class: pulses sent, clicks, matched-basis clicks, matched-basis errors, then the last two
   * again for the Z basis alone and for the X basis alone (Alice's and Bob's bits compared).
   */
  private static long[][] tally(Bb84Simulator sim) {
    long[][] t = new long[3][8];
    for (long f = 0; f < FRAMES; f++) {
      Bb84AliceView alice = sim.aliceView(f);
      Bb84BobView bob = sim.bobView(f);
      for (Intensity k : Intensity.values()) {
        t[k.ordinal()][0] += alice.pulses(k);
      }
      for (int i = 0; i < bob.detections(); i++) {
        AliceSlot a = alice.slot(bob.slot(i));
        long[] row = t[a.intensity().ordinal()];
        row[1]++;
        if (a.basis() == bob.basis(i)) {
          int perBasis = a.basis() == Basis.X ? 6 : 4;
          long wrong = a.bit() != bob.bit(i) ? 1 : 0;
          row[2]++;
          row[3] += wrong;
          row[perBasis]++;
          row[perBasis + 1] += wrong;
        }
      }
    }
    return t;
  }

  private static void assertWithinFiveSigma(String what, long count, long trials, double p) {
    double mean = trials * p;
    double sigma = Math.sqrt(trials * p * (1 - p));
    assertThat((double) count).as(what + ": %d of %d, expected %.1f +- 5 * %.1f", count, trials, mean, sigma)
        .isBetween(mean - 5 * sigma, mean + 5 * sigma);
  }

  @Test
  void bobView_detectionProbabilityAndQberPerIntensity_matchModel() {
    // A high dark count so that the vacuum class has enough clicks to test.
    Bb84Simulator sim = new Bb84Simulator(params(1e-3, 0.015), 25, 7);
    long[][] t = tally(sim);
    for (Intensity k : Intensity.values()) {
      long[] row = t[k.ordinal()];
      assertWithinFiveSigma(k + " clicks", row[1], row[0], sim.detectionProbability(k));
      assertWithinFiveSigma(k + " errors", row[3], row[2], sim.errorRate(k));
    }
    assertThat(sim.errorRate(Intensity.VACUUM)).isEqualTo(0.5);
    assertThat(t[Intensity.VACUUM.ordinal()][2]).isGreaterThan(1000);
  }

  @Test
  void bobView_defaultsAt100Km_signalAndDecoyMatchModel() {
    Bb84Simulator sim = new Bb84Simulator(params(1e-6, 0.015), 100, 11);
    long[][] t = tally(sim);
    for (Intensity k : new Intensity[] {Intensity.SIGNAL, Intensity.DECOY}) {
      long[] row = t[k.ordinal()];
      assertWithinFiveSigma(k + " clicks", row[1], row[0], sim.detectionProbability(k));
      assertWithinFiveSigma(k + " errors", row[3], row[2], sim.errorRate(k));
    }
  }

  @Test
  void bobView_xBasisMisalignmentAboveZ_errorRatePerBasisMatchesModel() {
    Bb84Simulator sim = new Bb84Simulator(params(1e-6, 0, 0.015, 0.08), 25, 13);
    long[][] t = tally(sim);
    for (Intensity k : new Intensity[] {Intensity.SIGNAL, Intensity.DECOY}) {
      long[] row = t[k.ordinal()];
      assertWithinFiveSigma(k + " Z errors", row[5], row[4], sim.errorRate(k, false));
      assertWithinFiveSigma(k + " X errors", row[7], row[6], sim.errorRate(k, true));
    }
    // The model itself: at 25 km the dark counts add well under 0.1 % to e_d.
    assertThat(sim.errorRate(Intensity.SIGNAL, false)).isCloseTo(0.015, offset(1e-3));
    assertThat(sim.errorRate(Intensity.SIGNAL, true)).isCloseTo(0.08, offset(1e-3));
    assertThat(sim.errorRate(Intensity.SIGNAL)).isEqualTo(sim.errorRate(Intensity.SIGNAL, false));
    assertThat(t[Intensity.SIGNAL.ordinal()][6]).as("X-basis signal clicks").isGreaterThan(10_000);
  }

  @Test
  void bobView_afterpulses_raiseClicksAndErrorsByPredictedAmounts() {
    double pAp = 0.05;
    Bb84Parameters plain = params(1e-6, 0, 0.015, 0.015);
    Bb84Parameters withAp = params(1e-6, pAp, 0.015, 0.015);
    Bb84Simulator before = new Bb84Simulator(plain, 25, 17);
    Bb84Simulator sim = new Bb84Simulator(withAp, 25, 17);
    // Predicted from the simulator without afterpulses: Y0 grows by p_ap * sum_k p_k Q_k, and
    // only in slots without a photon click, where the extra click carries a random bit.
    double meanClick = 0;
    for (Intensity k : Intensity.values()) {
      meanClick += plain.probability(k) * before.detectionProbability(k);
    }
    double extra = pAp * meanClick;
    long[][] t = tally(sim);
    for (Intensity k : Intensity.values()) {
      double noPhoton = 1 - plain.photonClickProbability(k, 25);
      double q = before.detectionProbability(k) + noPhoton * extra;
      double e = (before.errorRate(k) * before.detectionProbability(k) + 0.5 * noPhoton * extra) / q;
      assertThat(sim.detectionProbability(k)).as(k + " Q_k").isCloseTo(q, offset(1e-12));
      assertThat(sim.errorRate(k)).as(k + " E_k").isCloseTo(e, offset(1e-12));
      long[] row = t[k.ordinal()];
      assertWithinFiveSigma(k + " clicks", row[1], row[0], q);
      assertWithinFiveSigma(k + " errors", row[3], row[2], e);
    }
    // The rise is far beyond the noise: the vacuum class clicks about a thousand times as often,
    // and the signal QBER about doubles.
    assertThat(sim.detectionProbability(Intensity.VACUUM))
        .isGreaterThan(500 * before.detectionProbability(Intensity.VACUUM));
    assertThat(sim.errorRate(Intensity.SIGNAL)).isGreaterThan(1.8 * before.errorRate(Intensity.SIGNAL));
  }

  @Test
  void bobView_basisChoice_followsZBasisProbability() {
    Bb84Simulator sim = new Bb84Simulator(params(1e-6, 0.015), 25, 3);
    Bb84BobView bob = sim.bobView(0);
    long x = 0;
    for (int i = 0; i < bob.detections(); i++) {
      x += bob.isX(i) ? 1 : 0;
    }
    assertWithinFiveSigma("Bob X basis", x, bob.detections(), 0.3);
  }

  @Test
  void aliceView_classBasisAndBit_followPreparationProbabilities() {
    Bb84AliceView alice = new Bb84Simulator(params(1e-6, 0.015), 25, 3).aliceView(4);
    int n = 400_000;
    long[] cls = new long[3];
    long x = 0;
    long ones = 0;
    for (int s = 0; s < n; s++) {
      AliceSlot a = alice.slot(s * 37 + 5);
      cls[a.intensity().ordinal()]++;
      x += a.basis() == Basis.X ? 1 : 0;
      ones += a.bit();
    }
    assertWithinFiveSigma("signal", cls[0], n, 0.5);
    assertWithinFiveSigma("decoy", cls[1], n, 0.3);
    assertWithinFiveSigma("vacuum", cls[2], n, 0.2);
    assertWithinFiveSigma("X basis", x, n, 0.3);
    assertWithinFiveSigma("ones", ones, n, 0.5);
  }

  @Test
  void views_noErrorsNoDarkCounts_matchingBasesGiveIdenticalBits() {
    Bb84Simulator sim = new Bb84Simulator(params(0, 0), 10, 5);
    Bb84AliceView alice = sim.aliceView(2);
    Bb84BobView bob = sim.bobView(2);
    assertThat(bob.detections()).isGreaterThan(100_000);
    long matched = 0;
    int previous = -1;
    for (int i = 0; i < bob.detections(); i++) {
      int slot = bob.slot(i);
      assertThat(slot).isGreaterThan(previous).isLessThan(SLOTS);
      previous = slot;
      AliceSlot a = alice.slot(slot);
      assertThat(a.intensity()).as("no dark counts: vacuum never clicks").isNotEqualTo(Intensity.VACUUM);
      if (a.basis() == bob.basis(i)) {
        matched++;
        assertThat(bob.bit(i)).as("slot %d", slot).isEqualTo(a.bit());
      }
    }
    assertThat(matched).isGreaterThan(bob.detections() / 2);
  }

  @Test
  void views_mismatchedBases_giveUncorrelatedBits() {
    Bb84Simulator sim = new Bb84Simulator(params(0, 0), 10, 5);
    Bb84AliceView alice = sim.aliceView(1);
    Bb84BobView bob = sim.bobView(1);
    long mismatched = 0;
    long differ = 0;
    for (int i = 0; i < bob.detections(); i++) {
      AliceSlot a = alice.slot(bob.slot(i));
      if (a.basis() != bob.basis(i)) {
        mismatched++;
        differ += a.bit() != bob.bit(i) ? 1 : 0;
      }
    }
    assertWithinFiveSigma("mismatched-basis disagreements", differ, mismatched, 0.5);
  }

  @Test
  void bobView_sameSeedAndFrame_isReproducible_otherFrameOrSeedDiffers() {
    Bb84Parameters p = params(1e-6, 0.015).withFrameSlots(1_000_000);
    Bb84BobView a = new Bb84Simulator(p, 50, 9).bobView(3);
    Bb84BobView b = new Bb84Simulator(p, 50, 9).bobView(3);
    Bb84BobView otherFrame = new Bb84Simulator(p, 50, 9).bobView(4);
    Bb84BobView otherSeed = new Bb84Simulator(p, 50, 10).bobView(3);
    assertThat(b.slots()).isEqualTo(a.slots());
    for (int i = 0; i < a.detections(); i++) {
      assertThat(b.bit(i)).isEqualTo(a.bit(i));
      assertThat(b.basis(i)).isEqualTo(a.basis(i));
    }
    assertThat(otherFrame.slots()).isNotEqualTo(a.slots());
    assertThat(otherSeed.slots()).isNotEqualTo(a.slots());
  }

  @Test
  void linkSeed_dependsOnSeedAndLink() {
    LinkEnds ab = LinkEnds.of("A", "B", 25);
    assertThat(Bb84Simulator.linkSeed("s", ab)).isEqualTo(Bb84Simulator.linkSeed("s", LinkEnds.of("B", "A", 25)))
        .isNotEqualTo(Bb84Simulator.linkSeed("t", ab))
        .isNotEqualTo(Bb84Simulator.linkSeed("s", LinkEnds.of("A", "C", 25)));
  }

  @Test
  void views_badFrameOrSlot_areRejected() {
    Bb84Simulator sim = new Bb84Simulator(params(1e-6, 0.015).withFrameSlots(1000), 25, 1);
    assertThatThrownBy(() -> sim.bobView(-1)).hasMessageContaining("frame");
    assertThatThrownBy(() -> sim.aliceView(0).slot(1000)).hasMessageContaining("slot 1000");
    assertThatThrownBy(() -> new Bb84Simulator(Bb84Parameters.defaults(), -1, 1))
        .hasMessageContaining("fiber length");
  }

  @Test
  void toString_showsNoBits() {
    Bb84Simulator sim = new Bb84Simulator(params(1e-6, 0.015).withFrameSlots(10_000), 0, 1);
    assertThat(sim.bobView(0).toString()).startsWith("Bb84BobView[frame=0").doesNotContain("bit");
    assertThat(sim.alice(0, 1).toString()).contains("<hidden>");
  }
}
