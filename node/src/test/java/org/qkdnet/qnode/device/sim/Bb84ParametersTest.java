package org.qkdnet.qnode.device.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qkdnet.qnode.device.DecoyStateParameters;

class Bb84ParametersTest {
  private static Bb84Parameters with(int field, double value) {
    double[] v = {1e9, 0.2, 0.2, 1e-6, 0, 0.015, 0.015, 0.5, 0.05, 0.8, 0.15, 0.05, 0.9, 1e6};
    v[field] = value;
    return new Bb84Parameters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
        (int) v[13]);
  }

  @ParameterizedTest
  @CsvSource({
      "0, 0, pulse-rate", "1, -0.1, fiber-loss-db-per-km", "2, 0, detector-efficiency",
      "3, 0.5, dark-count-probability", "4, -1, afterpulse-probability", "4, 0.21, afterpulse-probability",
      "4, NaN, afterpulse-probability", "5, 0.6, misalignment-error", "6, 0.6, misalignment-error-x",
      "6, -0.01, misalignment-error-x", "7, 0, signal-intensity",
      "8, 0.6, decoy-intensity", "9, 0, signal-probability", "10, 0.5, decoy-probability",
      "11, NaN, vacuum-probability", "12, 1, z-basis-probability", "13, 10, frame-slots"})
  void new_badField_isRejectedNamingIt(int field, double value, String name) {
    assertThatThrownBy(() -> with(field, value)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name + " "); // "misalignment-error" must not pass for "misalignment-error-x"
  }

  @Test
  void defaults_physicsOfDecoyStateDefaults_finiteKeyIntensitiesAndProbabilities() {
    Bb84Parameters p = Bb84Parameters.defaults();
    DecoyStateParameters d = DecoyStateParameters.defaults();
    assertThat(p.pulseRateHz()).isEqualTo(d.pulseRateHz()).isEqualTo(1e9);
    assertThat(p.fiberLossDbPerKm()).isEqualTo(d.fiberLossDbPerKm()).isEqualTo(0.2);
    assertThat(p.detectorEfficiency()).isEqualTo(d.detectorEfficiency()).isEqualTo(0.2);
    assertThat(p.darkCountProbability()).isEqualTo(d.darkCountProbability()).isEqualTo(1e-6);
    assertThat(p.misalignmentError()).isEqualTo(d.misalignmentError()).isEqualTo(0.015);
    assertThat(p.signalIntensity()).isEqualTo(0.4);
    assertThat(p.decoyIntensity()).isEqualTo(0.2);
    assertThat(p.signalProbability()).isEqualTo(0.5);
    assertThat(p.decoyProbability()).isEqualTo(0.3);
    assertThat(p.vacuumProbability()).isEqualTo(0.2);
    assertThat(p.zBasisProbability()).isEqualTo(0.7);
    assertThat(p.frameSlots()).isEqualTo(50_000_000);
    assertThat(p.signalProbability() + p.decoyProbability() + p.vacuumProbability()).isEqualTo(1.0);
  }

  @Test
  void defaults_xBasisMisalignmentEqualsZ_noAfterpulses() {
    Bb84Parameters p = Bb84Parameters.defaults();
    assertThat(p.misalignmentErrorX()).isEqualTo(p.misalignmentError()).isEqualTo(0.015);
    assertThat(p.afterpulseProbability()).isZero();
    assertThat(p.effectiveDarkCountProbability(25)).isEqualTo(p.darkCountProbability());
  }

  @Test
  void effectiveDarkCountProbability_afterpulses_addPApTimesMeanClickProbability() {
    Bb84Parameters p = with(4, 0.05); // mu 0.5, nu 0.05, classes 0.8 / 0.15 / 0.05, Y0 1e-6
    double eta = 0.2 * Math.pow(10, -0.2 * 25 / 10);
    double meanClick = 0;
    double[] mu = {0.5, 0.05, 0};
    double[] prob = {0.8, 0.15, 0.05};
    for (int k = 0; k < 3; k++) {
      double s = 1 - Math.exp(-eta * mu[k]);
      meanClick += prob[k] * (s + (1 - s) * 1e-6);
    }
    assertThat(p.effectiveDarkCountProbability(25)).isCloseTo(1e-6 + 0.05 * meanClick, offset(1e-15));
    // 5 % of a 2.5 % mean click rate: three orders of magnitude above the dark counts
    assertThat(p.effectiveDarkCountProbability(25)).isBetween(1.2e-3, 1.3e-3);
  }
}
