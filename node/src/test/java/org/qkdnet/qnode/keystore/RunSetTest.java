package org.qkdnet.qnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.keystore.RunSet.Mark;
import org.qkdnet.qnode.keystore.RunSet.Run;

class RunSetTest {
  private static RunSet.Change accept(RunSet set, long s, long e) {
    RunSet.Change c = set.planAccept(s, e);
    set.apply(c);
    return c;
  }

  @Test
  void planAccept_adjacentRanges_mergeIntoOneRun() {
    RunSet set = new RunSet(0, List.of());
    accept(set, 10, 20);
    accept(set, 30, 40);
    RunSet.Change c = accept(set, 20, 30);

    assertThat(set.size()).isEqualTo(1);
    assertThat(c.added()).containsExactly(new Run(10, 40, Mark.USED));
    assertThat(c.usedDelta()).isEqualTo(10);
  }

  @Test
  void overlaps_touchingOrInsideRanges_detectedExactly() {
    RunSet set = new RunSet(5, List.of(new Run(10, 20, Mark.USED)));

    assertThat(set.overlaps(0, 5)).isTrue();
    assertThat(set.overlaps(5, 10)).isFalse();
    assertThat(set.overlaps(19, 21)).isTrue();
    assertThat(set.overlaps(20, 30)).isFalse();
    assertThat(set.overlaps(12, 13)).isTrue();
  }

  @Test
  void planBurn_middleOfUsedRun_splitsRunAndMovesCounters() {
    RunSet set = new RunSet(0, List.of(new Run(0, 100, Mark.USED)));
    RunSet.Change c = set.planBurn(40, 60);
    set.apply(c);

    assertThat(c.added())
        .containsExactly(
            new Run(0, 40, Mark.USED), new Run(40, 60, Mark.BURNED), new Run(60, 100, Mark.USED));
    assertThat(c.usedDelta()).isEqualTo(-20);
    assertThat(c.burnedDelta()).isEqualTo(20);
    assertThat(set.planBurn(40, 60).burnedDelta()).isZero();
  }

  @Test
  void planBurn_rangeWithGap_throws() {
    RunSet set = new RunSet(0, List.of(new Run(0, 10, Mark.USED), new Run(20, 30, Mark.USED)));

    assertThatThrownBy(() -> set.planBurn(5, 25))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never accepted");
  }

  @Test
  void planFold_tooManyRuns_foldsLowestAndCountsGapsAsBurned() {
    RunSet set = new RunSet(0, List.of());
    for (int i = 0; i < 5; i++) {
      accept(set, i * 10L + 5, i * 10L + 10);
    }
    assertThat(set.planFold(5)).isNull();
    accept(set, 55, 60);

    RunSet.Change fold = set.planFold(5);
    set.apply(fold);

    assertThat(set.size()).isEqualTo(2);
    assertThat(set.watermark()).isEqualTo(40);
    assertThat(fold.burnedDelta()).isEqualTo(20);
    assertThat(set.overlaps(30, 31)).isTrue();
    assertThatThrownBy(() -> set.planBurn(35, 40)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void consumedPrefixEnd_followsRunsWithoutAGap_fromTheWatermark() {
    RunSet set = new RunSet(10, List.of());
    assertThat(set.consumedPrefixEnd()).isEqualTo(10);
    accept(set, 20, 30);
    assertThat(set.consumedPrefixEnd()).as("gap [10, 20)").isEqualTo(10);
    accept(set, 10, 15);
    assertThat(set.consumedPrefixEnd()).as("gap [15, 20)").isEqualTo(15);
    set.apply(set.planReject(15, 20));
    assertThat(set.consumedPrefixEnd()).as("burned runs count as consumed").isEqualTo(30);
  }
}
