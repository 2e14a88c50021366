package org.qkdnet.qnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LinkPositionTest {
  private final LinkPosition a = new LinkPosition(10, 5000, 7, 1200, 900);
  private final LinkPosition b = new LinkPosition(12, 4000, 9, 800, 1500);

  @Test
  void agreed_takesEveryCounterAtItsHighest_andTheSendingStreamIsThePeersReceivingOne() {
    LinkPosition atA = LinkPosition.agreed(a, b);
    assertThat(atA).isEqualTo(new LinkPosition(12, 5000, 9, Math.max(1200, 1500), Math.max(900, 800)));
    assertThat(atA.notBehind(a)).isTrue();
  }

  @Test
  void bothEnds_computeTheMirrorImageOfOnePoint() {
    LinkPosition atA = LinkPosition.agreed(a, b);
    LinkPosition atB = LinkPosition.agreed(b, a);
    assertThat(atA.nextFrame()).isEqualTo(atB.nextFrame());
    assertThat(atA.linkBytes()).isEqualTo(atB.linkBytes());
    assertThat(atA.nextSeq()).isEqualTo(atB.nextSeq());
    assertThat(atA.sendEnd()).isEqualTo(atB.recvEnd());
    assertThat(atA.recvEnd()).isEqualTo(atB.sendEnd());
    // and it is behind neither end's own history
    assertThat(atB.notBehind(b)).isTrue();
    assertThat(atA.sendEnd()).isGreaterThanOrEqualTo(b.recvEnd());
  }

  @Test
  void notBehind_isFalseIfAnyCounterIsLower() {
    assertThat(a.notBehind(a)).isTrue();
    assertThat(new LinkPosition(10, 5000, 7, 1200, 899).notBehind(a)).isFalse();
    assertThat(new LinkPosition(9, 5000, 7, 1200, 900).notBehind(a)).isFalse();
  }

  @Test
  void negativeCounters_areRefused() {
    assertThatThrownBy(() -> new LinkPosition(0, -1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
