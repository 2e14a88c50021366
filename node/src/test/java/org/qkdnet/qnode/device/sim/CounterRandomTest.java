package org.qkdnet.qnode.device.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CounterRandomTest {

  @Test
  void fill_givesTheValuesOfAt() {
    long key = CounterRandom.frameKey(17, 3, CounterRandom.CHANNEL_DOMAIN);
    for (long first : new long[] {0, 1, 4096, 123_456_789, Long.MAX_VALUE - 99}) {
      long[] out = new long[100];
      CounterRandom.fill(key, first, out);
      for (int i = 0; i < out.length; i++) {
        assertThat(out[i]).as("first %d, i %d", first, i).isEqualTo(CounterRandom.at(key, first + i));
      }
    }
  }

  @Test
  void fill_beyondItsTable_isRejected() {
    assertThatThrownBy(() -> CounterRandom.fill(1, 0, new long[CounterRandom.FILL_MAX + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
