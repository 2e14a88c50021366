package org.qkdnet.qnode.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SuspicionTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Suspicion suspicion = new Suspicion(Duration.ofSeconds(10), now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void suspectStation_withinQuarantine_isSuspect() {
    suspicion.suspectStation("BRA");
    advance(Duration.ofMillis(9_999));
    assertThat(suspicion.isStationSuspect("BRA")).isTrue();
    assertThat(suspicion.isStationSuspect("CHA")).isFalse();
  }

  @Test
  void suspectStation_afterQuarantine_isNotSuspect() {
    suspicion.suspectStation("BRA");
    advance(Duration.ofSeconds(10));
    assertThat(suspicion.isStationSuspect("BRA")).isFalse();
    assertThat(suspicion.snapshot().stations()).isEmpty();
  }

  @Test
  void suspectStation_again_extendsQuarantine() {
    suspicion.suspectStation("BRA");
    advance(Duration.ofSeconds(6));
    suspicion.suspectStation("BRA");
    advance(Duration.ofSeconds(6));
    assertThat(suspicion.isStationSuspect("BRA")).isTrue();
    advance(Duration.ofSeconds(4));
    assertThat(suspicion.isStationSuspect("BRA")).isFalse();
  }

  @Test
  void suspectLink_eitherDirection_isTheSameLink() {
    suspicion.suspectLink("BRA", "ALP");
    assertThat(suspicion.isLinkSuspect("ALP", "BRA")).isTrue();
    assertThat(suspicion.isLinkSuspect("BRA", "ALP")).isTrue();
    assertThat(suspicion.isLinkSuspect("BRA", "CHA")).isFalse();
    suspicion.clearLink("ALP", "BRA");
    assertThat(suspicion.isLinkSuspect("BRA", "ALP")).isFalse();
  }

  @Test
  void suspectLink_afterQuarantine_isNotSuspect() {
    suspicion.suspectLink("ALP", "BRA");
    advance(Duration.ofSeconds(11));
    assertThat(suspicion.isLinkSuspect("ALP", "BRA")).isFalse();
  }

  @Test
  void clearStation_endsSuspicionEarly() {
    suspicion.suspectStation("BRA");
    suspicion.clearStation("BRA");
    assertThat(suspicion.isStationSuspect("BRA")).isFalse();
  }

  @Test
  void snapshot_listsRemainingTime_andDropsExpired() {
    suspicion.suspectStation("DEL");
    suspicion.suspectLink("CHA", "BRA");
    advance(Duration.ofSeconds(4));
    suspicion.suspectStation("BRA");
    advance(Duration.ofSeconds(3));

    Suspicion.Snapshot s = suspicion.snapshot();
    assertThat(s.stations()).containsExactly(
        Map.entry("BRA", Duration.ofSeconds(7)), Map.entry("DEL", Duration.ofSeconds(3)));
    assertThat(s.links()).containsExactly(Map.entry(LinkKey.of("BRA", "CHA"), Duration.ofSeconds(3)));

    advance(Duration.ofSeconds(3));
    assertThat(suspicion.snapshot().stations()).containsOnlyKeys("BRA");
    assertThat(suspicion.snapshot().links()).isEmpty();
  }

  @Test
  void isStationSuspect_tickerWrapsAround_stillCountsQuarantine() {
    now.set(Long.MAX_VALUE - Duration.ofSeconds(2).toNanos());
    suspicion.suspectStation("BRA");
    advance(Duration.ofSeconds(5)); // past Long.MAX_VALUE: the ticker wraps to negative values
    assertThat(now.get()).isNegative();
    assertThat(suspicion.isStationSuspect("BRA")).isTrue();
    advance(Duration.ofSeconds(5));
    assertThat(suspicion.isStationSuspect("BRA")).isFalse();
  }

  @Test
  void constructor_nonPositiveQuarantine_isRejected() {
    assertThatThrownBy(() -> new Suspicion(Duration.ZERO, now::get))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quarantine");
    assertThatThrownBy(() -> new Suspicion(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quarantine");
  }
}
