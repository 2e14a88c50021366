package org.qkdnet.qnode.postprocessing.estimation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecoyEstimatorTest {
  private static final double MU = 0.5;
  private static final double Y0 = 1e-6;
  private static final double ED = 0.015;
  private static final double PZ = 0.9;
  private static final double MATCH = PZ * PZ + (1 - PZ) * (1 - PZ);
  private static final long PULSES = 1_000_000_000_000_000L; // so that rounding of counts is negligible

  private static double eta(double km) {
    return 0.2 * Math.pow(10, -0.02 * km);
  }

  private static double gain(double eta, double intensity) {
    return 1 - (1 - Y0) * Math.exp(-eta * intensity);
  }

  private static double errorGain(double eta, double intensity) {
    double photon = 1 - Math.exp(-eta * intensity);
    return 0.5 * Y0 * (1 - photon) + ED * photon;
  }

  /** The counts an infinitely long frame would show; all disclosed except the signal Z key. */
  private static FrameStatistics expected(double km, double nu, double qberOverride) {
    double eta = eta(km);
    long[] pulses = {(long) (0.8 * PULSES), (long) (0.15 * PULSES), (long) (0.05 * PULSES)};
    double[] intensity = {MU, nu, 0};
    ClassCounts[] c = new ClassCounts[3];
    long key = 0;
    for (int k = 0; k < 3; k++) {
      double q = gain(eta, intensity[k]);
      double e = qberOverride >= 0 && k == 0 ? qberOverride : errorGain(eta, intensity[k]) / q;
      long clicks = Math.round(pulses[k] * q * MATCH);
      long disclosed = k == 0 ? Math.round(clicks * (1 - PZ) * (1 - PZ) / MATCH) : clicks;
      if (k == 0) {
        key = clicks - disclosed;
      }
      c[k] = new ClassCounts(pulses[k], clicks, disclosed, Math.round(disclosed * e));
    }
    return new FrameStatistics(7, c[0], c[1], c[2], key, MATCH);
  }

  @ParameterizedTest
  @ValueSource(doubles = {25, 50, 75, 100})
  void estimate_analyticCountsSmallNu_reproduceTrueY1AndE1(double km) {
    double nu = 0.01;
    Estimate e = new DecoyEstimator(MU, nu, 0.11).estimate(expected(km, nu, -1));
    double y1 = Y0 + eta(km) - Y0 * eta(km); // 1 - (1 - Y0)(1 - eta)
    double e1 = (0.5 * Y0 * (1 - eta(km)) + ED * eta(km)) / y1;
    assertThat(e.accepted()).isTrue();
    assertThat(e.y1Lower()).isLessThanOrEqualTo(y1).isCloseTo(y1, within(0.01 * y1));
    assertThat(e.e1Upper()).isGreaterThanOrEqualTo(e1).isCloseTo(e1, within(0.02 * e1));
    assertThat(e.q1Lower()).isCloseTo(e.y1Lower() * MU * Math.exp(-MU), within(1e-15));
    assertThat(e.qber()).isCloseTo(errorGain(eta(km), MU) / gain(eta(km), MU), within(1e-9));
  }

  @Test
  void estimate_defaultNu_boundsAreLooserButStillBounds() {
    Estimate e = new DecoyEstimator(MU, 0.05, 0.11).estimate(expected(50, 0.05, -1));
    double y1 = 1 - (1 - Y0) * (1 - eta(50));
    double e1 = (0.5 * Y0 * (1 - eta(50)) + ED * eta(50)) / y1;
    assertThat(e.y1Lower() / y1).isBetween(0.98, 1.0);
    assertThat(e.e1Upper() / e1).isBetween(1.0, 1.08);
  }

  @Test
  void estimate_qberAboveThreshold_isDroppedWithReason() {
    Estimate e = new DecoyEstimator(MU, 0.05, 0.11).estimate(expected(25, 0.05, 0.12));
    assertThat(e.accepted()).isFalse();
    assertThat(e.dropReason()).hasValueSatisfying(r -> assertThat(r).contains("QBER 0.1200 above abort threshold 0.1100"));
    assertThat(e.secureLength(0, 0, 0, 1e-10)).isZero();
  }

  @Test
  void estimate_noDisclosedSignalBits_isDropped() {
    FrameStatistics s = expected(25, 0.05, -1);
    ClassCounts sig = s.signal();
    FrameStatistics none = new FrameStatistics(1, new ClassCounts(sig.pulses(), sig.matchedClicks(), 0, 0),
        s.decoy(), s.vacuum(), s.keyBits(), MATCH);
    assertThat(new DecoyEstimator(MU, 0.05, 0.11).estimate(none).dropReason())
        .hasValue("no disclosed signal bits to estimate the QBER");
  }

  @Test
  void secureLength_subtractsEveryLeakFromPrivacyBits() {
    Estimate e = new Estimate(1, 0.02, 0.002, 1e-6, 0.02, 0.02, 0.03, 0.02, 0.03 * 0.5 * Math.exp(-0.5),
        1_000_000, java.util.Optional.empty());
    double fraction = 0.03 * 0.5 * Math.exp(-0.5) / 0.02;
    double privacy = 1_000_000 * fraction * (1 - BinaryEntropy.h2(0.02));
    assertThat(e.privacyBits()).isCloseTo(privacy, within(1e-6));
    long expected = (long) Math.floor(privacy - 100_000 - 64 - 128 - 2 * Math.log(1e10) / Math.log(2));
    assertThat(e.secureLength(100_000, 64, 128, 1e-10)).isEqualTo(expected);
    assertThat(e.secureLength(10_000_000, 0, 0, 1e-10)).isZero();
    assertThatThrownBy(() -> e.secureLength(-1, 0, 0, 1e-10)).hasMessageContaining("leaks");
    assertThatThrownBy(() -> e.secureLength(0, 0, 0, 1)).hasMessageContaining("eps_PA");
  }

  @Test
  void newEstimator_badIntensitiesOrThreshold_areRejected() {
    assertThatThrownBy(() -> new DecoyEstimator(0.5, 0.5, 0.11)).hasMessageContaining("nu < mu");
    assertThatThrownBy(() -> new DecoyEstimator(0.5, 0.1, 0)).hasMessageContaining("abort QBER");
  }

  @Test
  void binaryEntropy_knownValues() {
    assertThat(BinaryEntropy.h2(0.5)).isEqualTo(1.0);
    assertThat(BinaryEntropy.h2(0)).isZero();
    assertThat(BinaryEntropy.h2(0.11)).isCloseTo(0.4999, within(1e-4));
  }
}
