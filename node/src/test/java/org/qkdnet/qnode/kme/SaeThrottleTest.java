package org.qkdnet.qnode.kme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SaeThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final SaeThrottle throttle = new SaeThrottle(2.0, 3, now::get);

  @Test
  void tryAcquire_beyondBurst_isRefused() {
    assertThat(throttle.tryAcquire("a")).isTrue();
    assertThat(throttle.tryAcquire("a")).isTrue();
    assertThat(throttle.tryAcquire("a")).isTrue();

    assertThat(throttle.tryAcquire("a")).isFalse();
  }

  @Test
  void tryAcquire_oneSaeFlooding_otherSaeUnaffected() {
    for (int i = 0; i < 10; i++) {
      throttle.tryAcquire("flood");
    }

    assertThat(throttle.tryAcquire("flood")).isFalse();
    assertThat(throttle.tryAcquire("calm")).isTrue();
  }

  @Test
  void tryAcquire_afterRefillTime_isAllowedAgain() {
    for (int i = 0; i < 3; i++) {
      throttle.tryAcquire("a");
    }
    now.addAndGet(499_000_000L);
    assertThat(throttle.tryAcquire("a")).isFalse();

    now.addAndGet(2_000_000L);

    assertThat(throttle.tryAcquire("a")).isTrue();
    assertThat(throttle.tryAcquire("a")).isFalse();
  }

  @Test
  void tryAcquire_longIdle_refillsOnlyUpToBurst() {
    now.addAndGet(3_600_000_000_000L);
    int allowed = 0;
    for (int i = 0; i < 10; i++) {
      allowed += throttle.tryAcquire("a") ? 1 : 0;
    }

    assertThat(allowed).isEqualTo(3);
  }

  @Test
  void create_nonPositiveRate_isRejected() {
    assertThatThrownBy(() -> new SaeThrottle(0, 1, now::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestsPerSecond");
  }
}
