package org.qkdnet.qnode.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DecoyStateRateTest {
  private final DecoyStateParameters p = DecoyStateParameters.defaults();

  @Test
  void secureRate_designFigures_matchWithinTenPercent() {
    // DESIGN.md section 4: ~12 Mbit/s at 25 km, ~3.9 at 50, ~1.5 at 70, ~0.4 at 100 (1 GHz)
    assertThat(DecoyStateRate.secureBitsPerSecond(p, 25) / 1e6).isCloseTo(12.0, within(1.2));
    assertThat(DecoyStateRate.secureBitsPerSecond(p, 50) / 1e6).isCloseTo(3.9, within(0.39));
    assertThat(DecoyStateRate.secureBitsPerSecond(p, 70) / 1e6).isCloseTo(1.5, within(0.15));
    assertThat(DecoyStateRate.secureBitsPerSecond(p, 100) / 1e6).isCloseTo(0.4, within(0.04));
  }

  @Test
  void secureRate_longerFiber_isLower_andVanishesFarAway() {
    double last = Double.MAX_VALUE;
    for (int km = 0; km <= 150; km += 10) {
      double r = DecoyStateRate.secureBitsPerSecond(p, km);
      assertThat(r).isLessThan(last);
      last = r;
    }
    assertThat(DecoyStateRate.secureBitsPerSecond(p, 400)).isZero();
  }

  @Test
  void h2_knownValues() {
    assertThat(DecoyStateRate.h2(0.5)).isCloseTo(1.0, within(1e-12));
    assertThat(DecoyStateRate.h2(0.11)).isCloseTo(0.4999, within(1e-3));
    assertThat(DecoyStateRate.h2(0)).isZero();
  }

  @Test
  void secureRate_negativeLength_fails() {
    assertThatThrownBy(() -> DecoyStateRate.secureBitsPerSecond(p, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fiber length");
  }

  @Test
  void parameters_outOfRange_failNamingTheField() {
    assertThatThrownBy(() -> new DecoyStateParameters(1e9, 0.2, 1.5, 1e-6, 0.015, 0.5, 1, 1.16))
        .hasMessageContaining("detector-efficiency");
  }
}
