package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.config.ConfigException;

class StationClockTest {
  @Test
  void offsets_signedWithUnits_orIso() {
    assertThat(StationClock.parse("-90s")).isEqualTo(Duration.ofSeconds(-90));
    assertThat(StationClock.parse("+5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(StationClock.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(StationClock.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(StationClock.parse("PT-1H")).isEqualTo(Duration.ofHours(-1));
  }

  @Test
  void badOffset_namesTheProperty() {
    assertThatThrownBy(() -> StationClock.parse("soon")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.clock-offset").hasMessageContaining("'soon'");
  }

  @Test
  void theClock_isTheSystemsShifted() {
    Instant shifted = StationClock.of(Duration.ofHours(-2)).instant();
    Duration off = Duration.between(Instant.now(), shifted);
    assertThat(off).isBetween(Duration.ofHours(-2).minusSeconds(5), Duration.ofHours(-2).plusSeconds(5));
    assertThat(StationClock.of(Duration.ZERO)).isSameAs(java.time.InstantSource.system());
  }
}
