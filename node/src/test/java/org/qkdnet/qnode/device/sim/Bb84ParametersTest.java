package org.qkdnet.qnode.device.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qkdnet.qnode.device.DecoyStateParameters;

class Bb84ParametersTest {
  private static Bb84Parameters with(int field, double value) {
    double[] v = {1e9, 0.2, 0.2, 1e-6, 0.015, 0.5, 0.05, 0.8, 0.15, 0.05, 0.9, 1e6};
    v[field] = value;
    return new Bb84Parameters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], (int) v[11]);
  }

  @ParameterizedTest
  @CsvSource({
      "0, 0, pulse-rate", "1, -0.1, fiber-loss-db-per-km", "2, 0, detector-efficiency",
      "3, 0.5, dark-count-probability", "4, 0.6, misalignment-error", "5, 0, signal-intensity",
      "6, 0.6, decoy-intensity", "7, 0, signal-probability", "8, 0.5, decoy-probability",
      "9, NaN, vacuum-probability", "10, 1, z-basis-probability", "11, 10, frame-slots"})
  void new_badField_isRejectedNamingIt(int field, double value, String name) {
    assertThatThrownBy(() -> with(field, value)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name);
  }

  @Test
  void defaults_matchDecoyStateDefaultsAndProbabilitiesSumToOne() {
    Bb84Parameters p = Bb84Parameters.defaults();
    DecoyStateParameters d = DecoyStateParameters.defaults();
    assertThat(p.signalIntensity()).isEqualTo(d.signalIntensity());
    assertThat(p.detectorEfficiency()).isEqualTo(d.detectorEfficiency());
    assertThat(p.signalProbability() + p.decoyProbability() + p.vacuumProbability()).isEqualTo(1.0);
  }

  @Test
  void analyticEquivalent_siftingFactorIsSignalZMatchedFraction() {
    DecoyStateParameters d = Bb84Parameters.defaults().analyticEquivalent(1.16);
    assertThat(d.siftingFactor()).isCloseTo(0.8 * 0.81, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(d.reconciliationEfficiency()).isEqualTo(1.16);
  }
}
