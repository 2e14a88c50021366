package org.qkdnet.qnode.postprocessing.amplification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.InProcessCascade;
import org.qkdnet.qnode.postprocessing.cascade.SplitMix64;

class ToeplitzHashTest {
  @Test
  void hash_manySizes_equalsBitByBitProduct() {
    SplitMix64 rng = new SplitMix64(2024);
    int[][] sizes = {{1, 1}, {2, 1}, {7, 3}, {64, 64}, {65, 1}, {100, 37}, {129, 128},
        {1000, 500}, {1023, 999}, {1500, 700}, {4097, 2049}, {3000, 1}};
    for (int[] nm : sizes) {
      for (int rep = 0; rep < 3; rep++) {
        BitString x = InProcessCascade.randomFrame(nm[0], rng);
        BitString s = InProcessCascade.randomFrame(ToeplitzHash.seedBits(nm[0], nm[1]), rng);
        BitString fast = ToeplitzHash.hash(x, s, nm[1]);
        assertThat(fast.contentEquals(ToeplitzHash.hashDirect(x, s, nm[1])))
            .as("n=%d m=%d", nm[0], nm[1]).isTrue();
      }
    }
  }

  @Test
  void hash_allOnesInput_sumsStayExactAtLargeSize() {
    // all-ones input and seed make every convolution sum as large as it gets (up to n)
    int n = 200_000;
    int m = 1000;
    long[] ones = new long[BitString.wordsFor(n + m - 1)];
    java.util.Arrays.fill(ones, -1L);
    BitString x = BitString.wrap(java.util.Arrays.copyOf(ones, BitString.wordsFor(n)), n);
    BitString s = BitString.wrap(ones, n + m - 1);
    BitString y = ToeplitzHash.hash(x, s, m);
    // every row has n ones against an all-ones input: parity of n
    for (int i = 0; i < m; i++) {
      assertThat(y.get(i)).isEqualTo((n & 1) == 1);
    }
  }

  @Test
  void hash_badSizes_refused() {
    BitString x = InProcessCascade.randomFrame(10, new SplitMix64(1));
    assertThatThrownBy(() -> ToeplitzHash.hash(x, x, 11))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m ≤ n");
    assertThatThrownBy(() -> ToeplitzHash.hash(x, x, 5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n+m-1 = 14");
  }
}
