package org.qkdnet.qnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinkStateReplicatorClockTest {
  @Test
  void nextTimestamp_wallClockAhead_isWallClock() {
    assertThat(LinkStateReplicator.nextTimestamp(1_000, 5_000)).isEqualTo(5_000);
  }

  @Test
  void nextTimestamp_wallClockBehindHeldTimestamp_isHeldPlusOne() {
    // The previous incarnation's entry, stamped by a clock an hour ahead of ours.
    long held = 1_700_000_000_000L + 3_600_000;
    assertThat(LinkStateReplicator.nextTimestamp(held, 1_700_000_000_000L)).isEqualTo(held + 1);
  }

  @Test
  void nextTimestamp_wallClockEqualToHeld_isStrictlyGreater() {
    assertThat(LinkStateReplicator.nextTimestamp(42, 42)).isEqualTo(43);
  }

  @Test
  void nextTimestamp_emptyRegister_isWallClock() {
    // A new register is stamped with clock(0, value).
    assertThat(LinkStateReplicator.nextTimestamp(0, 1_700_000_000_000L)).isEqualTo(1_700_000_000_000L);
  }
}
