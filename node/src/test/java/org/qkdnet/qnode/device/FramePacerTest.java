package org.qkdnet.qnode.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FramePacerTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void due_afterEnoughTimeForOneFrame_isTrueOnce() {
    // 8000 bit/s = 1000 B/s, frames of 500 B: one every half second
    FramePacer p = new FramePacer(8000, 500, 2000, 0);
    assertThat(p.due(SECOND / 4, Long.MAX_VALUE)).isFalse();
    assertThat(p.due(SECOND / 2, Long.MAX_VALUE)).isTrue();
    p.consume();
    assertThat(p.due(SECOND / 2 + 1, Long.MAX_VALUE)).isFalse();
  }

  @Test
  void due_overALongRun_averagesTheRate() {
    FramePacer p = new FramePacer(8000, 100, 1000, 0);
    int frames = 0;
    for (long t = 0; t <= 60 * SECOND; t += SECOND / 100) {
      if (p.due(t, Long.MAX_VALUE)) {
        p.consume();
        frames++;
      }
    }
    assertThat(frames).isBetween(599, 601); // 1000 B/s x 60 s / 100 B
  }

  @Test
  void due_poolFull_pausesAccrual() {
    FramePacer p = new FramePacer(8000, 500, 2000, 0);
    assertThat(p.due(10 * SECOND, 0)).isFalse();
    // time while full did not accrue tokens
    assertThat(p.due(10 * SECOND + SECOND / 4, Long.MAX_VALUE)).isFalse();
  }

  @Test
  void due_afterLongPause_burstIsBounded() {
    FramePacer p = new FramePacer(8000, 500, 1000, 0);
    p.due(100 * SECOND, Long.MAX_VALUE);
    int burst = 0;
    while (p.due(100 * SECOND, Long.MAX_VALUE) && burst < 100) {
      p.consume();
      burst++;
    }
    assertThat(burst).isEqualTo(2);
  }

  @Test
  void frameBytesFor_clampsToBounds() {
    assertThat(FramePacer.frameBytesFor(8e6, 200, 64, 1 << 20)).isEqualTo(200_000);
    assertThat(FramePacer.frameBytesFor(10, 200, 64, 1 << 20)).isEqualTo(64);
    assertThat(FramePacer.frameBytesFor(1e12, 200, 64, 1 << 20)).isEqualTo(1 << 20);
  }

  @Test
  void constructor_burstSmallerThanFrame_fails() {
    assertThatThrownBy(() -> new FramePacer(8000, 500, 100, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
