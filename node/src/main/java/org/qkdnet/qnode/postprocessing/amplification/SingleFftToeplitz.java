package org.qkdnet.qnode.postprocessing.amplification;

import java.util.Arrays;
import org.jtransforms.fft.DoubleFFT_1D;
import org.qkdnet.qnode.postprocessing.cascade.BitString;

/**
 * The first implementation of {@link ToeplitzHash#hash}: one real FFT convolution of the whole
 * input with the whole seed, length the next power of two ≥ n+m-1. Kept unchanged (apart from
 * the shared rounding check, {@link ToeplitzHash#roundChecked}) as the reference that the blocked
 * implementation is measured against (bench, JMH) and must agree with bit for bit (tests).
 */
public final class SingleFftToeplitz {
  private static final ThreadLocal<DoubleFFT_1D> PLAN = new ThreadLocal<>();
  private static final ThreadLocal<Integer> PLAN_LEN = new ThreadLocal<>();

  private SingleFftToeplitz() {}

  private static DoubleFFT_1D plan(int len) {
    Integer have = PLAN_LEN.get();
    if (have == null || have != len) {
      PLAN.set(new DoubleFFT_1D(len));
      PLAN_LEN.set(len);
    }
    return PLAN.get();
  }

  /** Same contract as {@link ToeplitzHash#hash(BitString, BitString, int)}. */
  public static BitString hash(BitString input, BitString seed, int m) {
    int n = input.length();
    ToeplitzHash.checkSizes(n, m, seed.length());
    int len = ToeplitzHash.fftLength(n + m - 1);
    if (len > ToeplitzHash.MAX_FFT) {
      throw new IllegalArgumentException("Toeplitz hash of " + n + " to " + m
          + " bits exceeds the supported size (n+m-1 ≤ " + ToeplitzHash.MAX_FFT + ")");
    }
    double[] a = spread(input.unsafeWords(), n, len);
    double[] b = spread(seed.unsafeWords(), n + m - 1, len);
    long[] out = new long[BitString.wordsFor(m)];
    try {
      DoubleFFT_1D fft = plan(len);
      fft.realForward(a);
      fft.realForward(b);
      multiplyPacked(a, b);
      fft.realInverse(a, true);
      for (int i = 0; i < m; i++) {
        long v = ToeplitzHash.roundChecked(a[i + n - 1], len);
        out[i >>> 6] |= (v & 1L) << i;
      }
    } finally {
      // also when the rounding check fails: no key-dependent spectra left behind
      Arrays.fill(a, 0);
      Arrays.fill(b, 0);
    }
    return BitString.wrap(out, m);
  }

  private static double[] spread(long[] words, int bits, int len) {
    double[] d = new double[len];
    for (int i = 0; i < bits; i++) {
      d[i] = (words[i >>> 6] >>> i) & 1L;
    }
    return d;
  }

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
