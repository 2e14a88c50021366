package org.qkdnet.qnode.postprocessing.amplification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.postprocessing.amplification.ToeplitzHash.Shape;
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
  void hash_randomSizesEveryBlockShape_equalsBitByBitProduct() {
    SplitMix64 rng = new SplitMix64(77);
    for (int rep = 0; rep < 40; rep++) {
      int n = 1 + (int) Math.floorMod(rng.nextLong(), 3000L);
      int m = switch (rep % 4) {
        case 0 -> 1 + (int) Math.floorMod(rng.nextLong(), 8L); // m small
        case 1 -> Math.max(1, n - (int) Math.floorMod(rng.nextLong(), 5L)); // m close to n
        default -> 1 + (int) Math.floorMod(rng.nextLong(), (long) n);
      };
      BitString x = InProcessCascade.randomFrame(n, rng);
      BitString s = InProcessCascade.randomFrame(ToeplitzHash.seedBits(n, m), rng);
      BitString want = ToeplitzHash.hashDirect(x, s, m);
      for (Shape sh : shapes(n, m)) {
        for (int par = 1; par <= 2; par++) {
          assertThat(ToeplitzHash.hash(x, s, m, par, sh).contentEquals(want))
              .as("n=%d m=%d %s parallelism %d", n, m, sh, par).isTrue();
        }
      }
      assertThat(ToeplitzHash.hash(x, s, m, 2).contentEquals(want)).isTrue();
    }
  }

  /** Square blocks of 64, one output block, one input block, and the chosen shape. */
  private static Shape[] shapes(int n, int m) {
    int sq = 64;
    Shape square = new Shape(128, sq, sq, (n + sq - 1) / sq, (m + sq - 1) / sq);
    int bx = Math.max(1, Math.min(n, 300));
    Shape oneOut = new Shape(ToeplitzHash.fftLength(bx + m - 1), bx, m, (n + bx - 1) / bx, 1);
    int by = Math.min(m, 128);
    Shape oneIn = new Shape(ToeplitzHash.fftLength(n + by - 1), n, by, 1, (m + by - 1) / by);
    return new Shape[] {square, oneOut, oneIn, ToeplitzHash.shape(n, m)};
  }

  @Test
  void hash_allOnesAtLargestBlock_sumsStayExact() {
    // all-ones input and seed make every sum as large as it gets (one block of n = 4e6 terms,
    // a 2^23 transform): every row has n ones against an all-ones input, parity of n
    int n = 4_000_001;
    int m = 100_000;
    Shape single = new Shape(ToeplitzHash.fftLength(n + m - 1), n, m, 1, 1);
    BitString y = ToeplitzHash.hash(ones(n), ones(n + m - 1), m, 1, single);
    assertThat(y.contentEquals(ones(m))).isTrue();
  }

  @Test
  void hash_allOnesMillionBitsBlocked_everyOutputIsParityOfN() {
    int n = 1_000_001;
    int m = 500_000;
    assertThat(ToeplitzHash.shape(n, m).nx()).isGreaterThan(1);
    BitString y = ToeplitzHash.hash(ones(n), ones(n + m - 1), m, 2);
    assertThat(y.contentEquals(ones(m))).isTrue();
  }

  @Test
  void hash_millionBits_equalsSingleFftImplementation() {
    SplitMix64 rng = new SplitMix64(9);
    int n = 1_000_000;
    int m = 500_000;
    BitString x = InProcessCascade.randomFrame(n, rng);
    BitString s = InProcessCascade.randomFrame(ToeplitzHash.seedBits(n, m), rng);
    BitString old = SingleFftToeplitz.hash(x, s, m);
    assertThat(ToeplitzHash.hash(x, s, m).contentEquals(old)).isTrue();
    assertThat(ToeplitzHash.hash(x, s, m, 2).contentEquals(old)).isTrue();
  }

  @Test
  void shape_millionBits_usesBlocksNotOnePaddedTransform() {
    Shape sh = ToeplitzHash.shape(1_000_000, 500_000);
    assertThat(sh.len()).isLessThan(1 << 21);
    assertThat(sh.nx()).isGreaterThan(1);
  }

  @Test
  void shape_anySize_needsNoMoreMemoryThanSingleBlockOrTheFreeAllowance() {
    int[][] sizes = {{1000, 10}, {1_000_000, 500_000}, {10_000_000, 5_000_000},
        {10_000_000, 9_000_000}, {50_000_000, 5_000_000}};
    for (int[] nm : sizes) {
      Shape sh = ToeplitzHash.shape(nm[0], nm[1]);
      long single = 16L * ToeplitzHash.fftLength(nm[0] + nm[1] - 1);
      assertThat(8L * sh.len() * sh.buffers())
          .as("%s", sh).isLessThanOrEqualTo(Math.max(single, ToeplitzHash.MEMORY_FREE));
      assertThat((long) sh.nx() * sh.bx()).isGreaterThanOrEqualTo(nm[0]);
      assertThat((long) sh.ny() * sh.by()).isGreaterThanOrEqualTo(nm[1]);
    }
  }

  @Test
  void hash_badSizes_refused() {
    BitString x = InProcessCascade.randomFrame(10, new SplitMix64(1));
    assertThatThrownBy(() -> ToeplitzHash.hash(x, x, 11))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m ≤ n");
    assertThatThrownBy(() -> ToeplitzHash.hash(x, x, 5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n+m-1 = 14");
    BitString s = InProcessCascade.randomFrame(14, new SplitMix64(2));
    assertThatThrownBy(() -> ToeplitzHash.hash(x, s, 5, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parallelism");
    assertThatThrownBy(() -> ToeplitzHash.hash(x, s, 5, 1, new Shape(128, 4, 5, 2, 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not cover");
  }

  @Test
  void roundChecked_withinQuarterOfInteger_rounds() {
    assertThat(ToeplitzHash.roundChecked(3.2, 1 << 20)).isEqualTo(3L);
    assertThat(ToeplitzHash.roundChecked(2.76, 1 << 20)).isEqualTo(3L);
    assertThat(ToeplitzHash.roundChecked(2.75, 1 << 20)).isEqualTo(3L);
    assertThat(ToeplitzHash.roundChecked(3.25, 1 << 20)).isEqualTo(3L);
    assertThat(ToeplitzHash.roundChecked(0.0, 128)).isEqualTo(0L);
    assertThat(ToeplitzHash.roundChecked(-1e-9, 128)).isEqualTo(0L);
    assertThat(ToeplitzHash.roundChecked(4_000_001.0000001, 1 << 23)).isEqualTo(4_000_001L);
  }

  @Test
  void roundChecked_furtherThanQuarterFromInteger_throwsNamingBlockSizeButNotValue() {
    // 2.74 is 0.26 from 3: just outside the tolerance
    double[] bad = {2.5, 3.3, 2.74, 2.7, 0.26, -0.3, 1_000_000.5, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (double v : bad) {
      assertThatThrownBy(() -> ToeplitzHash.roundChecked(v, 1 << 20))
          .as("%s", v)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("FFT product lost precision")
          .hasMessageContaining("block size " + (1 << 20))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(String.valueOf(v)));
    }
  }

  private static BitString ones(int bits) {
    long[] w = new long[BitString.wordsFor(bits)];
    Arrays.fill(w, -1L);
    if ((bits & 63) != 0) {
      w[w.length - 1] = (1L << bits) - 1;
    }
    return BitString.wrap(w, bits);
  }
}
