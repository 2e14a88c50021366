package org.qkdnet.qnode.postprocessing.amplification;

import org.jtransforms.fft.DoubleFFT_1D;
import org.qkdnet.qnode.postprocessing.cascade.BitString;

/**
 * Privacy amplification by Toeplitz hashing: the m×n binary matrix with
 * {@code T[i][j] = s[i - j + n - 1]}, defined by n+m-1 seed bits s, applied to an n-bit input
 * over GF(2). Toeplitz matrices with a uniform seed form a two-universal family, so the
 * leftover hash lemma applies.
 *
 * <p>Computed as an integer convolution by real FFT and reduced mod 2:
 * {@code y_i = (Σ_j s[i+n-1-j]·x_j) mod 2} is entry {@code i+n-1} of the cyclic convolution of
 * x and s of any length L ≥ n+m-1 (the wrapped terms would need seed bits beyond n+m-2, which
 * are zero). One bit per coefficient keeps every exact sum ≤ n < 2^31 and the double-precision
 * round-off far below 0.5 for the lengths used here (L ≤ 2^27), so rounding recovers the sums
 * exactly; {@link #hashDirect} is the bit-by-bit reference the tests hold it to. Cost: three
 * real FFTs of length L = next power of two ≥ n+m-1, and 16·L bytes.
 */
public final class ToeplitzHash {
  /** Largest L: keeps FFT round-off under control and the arrays indexable. */
  static final int MAX_FFT = 1 << 27;

  /** Building an FFT plan (twiddle tables) costs about as much as a transform; keep the last. */
  private static final ThreadLocal<DoubleFFT_1D> PLAN = new ThreadLocal<>();
  private static final ThreadLocal<Integer> PLAN_LEN = new ThreadLocal<>();

  private ToeplitzHash() {}

  private static DoubleFFT_1D plan(int len) {
    Integer have = PLAN_LEN.get();
    if (have == null || have != len) {
      PLAN.set(new DoubleFFT_1D(len));
      PLAN_LEN.set(len);
    }
    return PLAN.get();
  }

  /** Seed bits needed for an n-bit input and m-bit output. */
  public static int seedBits(int n, int m) {
    check(n, m);
    return n + m - 1;
  }

  /**
   * {@code m} output bits of the Toeplitz hash of {@code input} under {@code seed}
   * ({@link #seedBits} bits).
   */
  public static BitString hash(BitString input, BitString seed, int m) {
    int n = input.length();
    check(n, m);
    if (seed.length() != n + m - 1) {
      throw new IllegalArgumentException("Toeplitz seed must have n+m-1 = " + (n + m - 1)
          + " bits, got " + seed.length());
    }
    int len = fftLength(n + m - 1);
    if (len > MAX_FFT) {
      throw new IllegalArgumentException("Toeplitz hash of " + n + " to " + m
          + " bits exceeds the supported size (n+m-1 ≤ " + MAX_FFT + ")");
    }
    double[] a = spread(input.unsafeWords(), n, len);
    double[] b = spread(seed.unsafeWords(), n + m - 1, len);
    DoubleFFT_1D fft = plan(len);
    fft.realForward(a);
    fft.realForward(b);
    multiplyPacked(a, b);
    fft.realInverse(a, true);
    long[] out = new long[BitString.wordsFor(m)];
    for (int i = 0; i < m; i++) {
      long v = Math.round(a[i + n - 1]);
      out[i >>> 6] |= (v & 1L) << i;
    }
    java.util.Arrays.fill(a, 0);
    java.util.Arrays.fill(b, 0);
    return BitString.wrap(out, m);
  }

  /** The same product bit by bit, O(n·m): the reference for tests. */
  public static BitString hashDirect(BitString input, BitString seed, int m) {
    int n = input.length();
    check(n, m);
    if (seed.length() != n + m - 1) {
      throw new IllegalArgumentException("Toeplitz seed must have n+m-1 = " + (n + m - 1)
          + " bits, got " + seed.length());
    }
    long[] out = new long[BitString.wordsFor(m)];
    for (int i = 0; i < m; i++) {
      int acc = 0;
      for (int j = 0; j < n; j++) {
        acc ^= (seed.get(i - j + n - 1) && input.get(j)) ? 1 : 0;
      }
      out[i >>> 6] |= (long) acc << i;
    }
    return BitString.wrap(out, m);
  }

  /**
   * The smallest power of two ≥ {@code min} (at least 2). Measured here, JTransforms' 5-smooth
   * mixed-radix lengths cost more per transform than the next power of two, so no gain.
   */
  static int fftLength(int min) {
    int len = Integer.highestOneBit(Math.max(min, 2));
    return len < min ? len << 1 : len;
  }

  private static void check(int n, int m) {
    if (n < 1 || m < 1 || m > n) {
      throw new IllegalArgumentException(
          "Toeplitz hash needs 1 ≤ m ≤ n, got n=" + n + ", m=" + m);
    }
  }

  private static double[] spread(long[] words, int bits, int len) {
    double[] d = new double[len];
    for (int i = 0; i < bits; i++) {
      d[i] = (words[i >>> 6] >>> i) & 1L;
    }
    return d;
  }

  /** a := a·b for two spectra in JTransforms' packed real layout (len even). */
  private static void multiplyPacked(double[] a, double[] b) {
    a[0] *= b[0];
    a[1] *= b[1];
    for (int k = 2; k < a.length; k += 2) {
      double re = a[k] * b[k] - a[k + 1] * b[k + 1];
      double im = a[k] * b[k + 1] + a[k + 1] * b[k];
      a[k] = re;
      a[k + 1] = im;
    }
  }
}
