package org.qkdnet.qnode.kme;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FairShareTest {
  final AtomicLong nanos = new AtomicLong();
  final FairShare fair = new FairShare(Duration.ofSeconds(10), 1000, nanos::get);

  @Test
  void plentyOfKey_admitsEveryone() {
    for (int i = 0; i < 100; i++) {
      assertThat(fair.admit("a", 100, 1000)).isTrue();
    }
    assertThat(fair.admit("b", 100, 5000)).isTrue();
  }

  @Test
  void scarceKey_aloneAPairTakesAll_withOthersItIsHeldToTheAverage() {
    for (int i = 0; i < 10; i++) {
      assertThat(fair.admit("a", 100, 10)).as("alone").isTrue();
    }
    assertThat(fair.admit("b", 100, 10)).as("b has used nothing").isTrue();
    assertThat(fair.admit("a", 100, 10)).as("a used 1000 of 1100 with two asking").isFalse();
    for (int i = 0; i < 9; i++) {
      assertThat(fair.admit("b", 100, 10)).isTrue();
    }
    // equal now (1000 each): a gets one, then b
    assertThat(fair.admit("a", 100, 10)).isTrue();
    assertThat(fair.admit("a", 100, 10)).isFalse();
    assertThat(fair.admit("b", 100, 10)).isTrue();
  }

  @Test
  void pairsSilentForAWindow_stopCounting_andUsageDecays() {
    fair.admit("a", 10_000, 10);
    fair.admit("b", 1, 10);
    assertThat(fair.activePairs()).isEqualTo(2);
    nanos.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(fair.activePairs()).isZero();
    assertThat(fair.admit("a", 100, 10)).as("alone again").isTrue();
    fair.admit("b", 1, 10);
    nanos.addAndGet(Duration.ofSeconds(60).toNanos());
    fair.admit("b", 1, 10);
    assertThat(fair.admit("a", 100, 10)).as("a's old usage has decayed").isTrue();
  }
}
