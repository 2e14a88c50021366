package org.qkdnet.qnode.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LinkKeyTest {

  @Test
  void of_eitherOrder_isTheSameKey() {
    assertThat(LinkKey.of("BRA", "ALP")).isEqualTo(LinkKey.of("ALP", "BRA"));
    assertThat(LinkKey.of("BRA", "ALP").a()).isEqualTo("ALP");
    assertThat(LinkKey.of(new Edge("DEL", "ALP", 40))).hasToString("ALP-DEL");
  }

  @Test
  void constructor_selfLink_isRejected() {
    assertThatThrownBy(() -> LinkKey.of("ALP", "ALP")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void touches_eitherEnd_isTrue() {
    assertThat(LinkKey.of("ALP", "BRA").touches("BRA")).isTrue();
    assertThat(LinkKey.of("ALP", "BRA").touches("CHA")).isFalse();
  }
}
