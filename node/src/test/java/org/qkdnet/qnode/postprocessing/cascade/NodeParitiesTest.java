package org.qkdnet.qnode.postprocessing.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeParitiesTest {
  /** Heap ids of every node below the root that bisecting [0, k) at the midpoint produces. */
  private static List<Integer> heapIds(int k) {
    List<Integer> out = new ArrayList<>();
    collect(0, k, 1, out);
    out.remove(Integer.valueOf(1));
    return out;
  }

  private static void collect(int s, int e, int h, List<Integer> out) {
    out.add(h);
    if (e - s > 1) {
      int mid = (s + e) >>> 1;
      collect(s, mid, 2 * h, out);
      collect(mid, e, 2 * h + 1, out);
    }
  }

  @Test
  void everyNodeOfEveryBlock_keepsItsOwnBit_acrossBlockSizes() {
    for (int k : new int[] {1, 2, 3, 36, 37, 64, 65, 1000, 4097}) {
      int blocks = 3;
      NodeParities p = new NodeParities(blocks, k);
      List<Integer> ids = heapIds(k);
      for (int j = 0; j < blocks; j++) {
        for (int h : ids) {
          assertThat(p.get(j, h)).as("k=%d block %d node %d before", k, j, h).isEqualTo(-1);
          assertThat(p.toggle(j, h)).isFalse();
        }
      }
      for (int j = 0; j < blocks; j++) {
        for (int h : ids) {
          p.put(j, h, (j + h) & 1);
        }
      }
      for (int j = 0; j < blocks; j++) {
        for (int h : ids) {
          assertThat(p.get(j, h)).as("k=%d block %d node %d", k, j, h).isEqualTo((j + h) & 1);
          assertThat(p.toggle(j, h)).isTrue();
          assertThat(p.get(j, h)).isEqualTo(1 - ((j + h) & 1));
        }
      }
      // overwriting a known node replaces its bit
      if (!ids.isEmpty()) {
        p.put(1, ids.get(0), 1);
        p.put(1, ids.get(0), 0);
        assertThat(p.get(1, ids.get(0))).isZero();
      }
    }
  }

  @Test
  void hugeBlocks_fewKnownNodes_allocateOnlyThePagesTouched() {
    // a late pass of a 1e6-bit frame: two blocks of 2^19 bits, 2^21 positions in all
    NodeParities p = new NodeParities(2, 1 << 19);
    assertThat(p.pagesAllocated()).isZero();
    int h = 1;
    for (int level = 0; level < 19; level++) { // one search path down block 1
      h = 2 * h + (level & 1);
      p.put(1, h, 1);
    }
    assertThat(p.get(1, h)).isEqualTo(1);
    assertThat(p.get(0, h)).isEqualTo(-1);
    assertThat(p.pagesAllocated()).isLessThanOrEqualTo(19);
  }

  @Test
  void noBlocks_orEmptyBlocks_refused() {
    assertThatThrownBy(() -> new NodeParities(0, 8)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NodeParities(4, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
