package org.qkdnet.qnode.link.bb84;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LinkStatsTest {
  private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
  private final LinkStats stats = new LinkStats(0, () -> Instant.ofEpochMilli(wall.get()));

  @Test
  void lastKeyMillis_beforeAnyBlock_isZero() {
    stats.frameStarted(1, 100);
    stats.frameDropped("QBER 0.12 above abort-qber 0.11");

    assertThat(stats.snapshot(2).lastKeyMillis()).isZero();
  }

  @Test
  void lastKeyMillis_blockWithKey_isStampedWithTheWallClock() {
    stats.blockDone(4, 800_000, 120_000, 0.02);
    long first = wall.get();
    wall.addAndGet(7_000);

    assertThat(stats.snapshot(1).lastKeyMillis()).isEqualTo(first);
    stats.blockDone(3, 600_000, 90_000, 0.02);
    assertThat(stats.snapshot(2).lastKeyMillis()).isEqualTo(first + 7_000);
  }

  @Test
  void lastKeyMillis_blockWithoutKey_keepsTheEarlierTime() {
    stats.blockDone(4, 800_000, 120_000, 0.02);
    long first = wall.get();
    wall.addAndGet(5_000);

    stats.blockDone(2, 100_000, 0, 0.09);

    assertThat(stats.snapshot(1).lastKeyMillis()).isEqualTo(first);
  }

  @Test
  void snapshot_dropsAndEfficiency_areCountedAndAveraged() {
    stats.frameDropped("QBER 0.12 above abort-qber 0.11");
    stats.frameDropped("QBER 0.13 above abort-qber 0.11");
    stats.frameDropped("verification failed");
    stats.frameReconciled(1.1);
    stats.frameReconciled(Double.NaN);
    stats.frameReconciled(1.3);

    LinkStats.Snapshot s = stats.snapshot(1);

    assertThat(s.framesDropped()).isEqualTo(3);
    assertThat(s.dropReasons()).containsEntry("QBER # above abort-qber #", 2L);
    assertThat(s.efficiencyMean()).isCloseTo(1.2, org.assertj.core.data.Offset.offset(1e-12));
  }
}
