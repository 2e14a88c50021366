package org.qkdnet.qnode.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoutingPolicyTest {

  @Test
  void constructor_maxHopsBelowOne_isRejected() {
    assertThatThrownBy(() -> new RoutingPolicy(0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHops");
  }

  @Test
  void constructor_negativeReserve_isRejected() {
    assertThatThrownBy(() -> new RoutingPolicy(3, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserveBytes");
  }

  @Test
  void constructor_validValues_areKept() {
    assertThat(new RoutingPolicy(1, 0)).isEqualTo(new RoutingPolicy(1, 0));
    assertThat(new RoutingPolicy(6, 4096).reserveBytes()).isEqualTo(4096);
  }
}
