package org.qkdnet.qnode.kme;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KmeLimitsTest {
  @Test
  void create_sizeNotWholeBytes_isRejected() {
    assertThatThrownBy(() -> new KmeLimits(8, 1024, 60, 256, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minKeySize");
  }

  @Test
  void create_defaultOutsideRange_isRejected() {
    assertThatThrownBy(() -> new KmeLimits(8, 1024, 64, 2048, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("defaultKeySize");
  }

  @Test
  void create_zeroKeyCount_isRejected() {
    assertThatThrownBy(() -> new KmeLimits(0, 1024, 64, 256, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxKeyCount");
  }
}
