package org.qkdnet.qnode.postprocessing.amplification;

import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jtransforms.fft.DoubleFFT_1D;
import org.qkdnet.qnode.postprocessing.cascade.BitString;

/**
 * Privacy amplification by Toeplitz hashing: the m×n binary matrix with
 * {@code T[i][j] = s[i - j + n - 1]}, defined by n+m-1 seed bits s, applied to an n-bit input
 * over GF(2). Toeplitz matrices with a uniform seed form a two-universal family, so the
 * leftover hash lemma applies.
 *
 * <p>Computed as integer convolutions by real FFT and reduced mod 2, one bit per coefficient.
 * Packing several bits per coefficient does not work for this product: only the parity of each
 * sum is wanted, but a packed slot must hold its whole sum (up to n) or its carries corrupt the
 * parity of the next slot, so slots need ≥ log2(n) bits and three slots no longer fit in a
 * double. The speed comes from the shape instead: the matrix is cut into blocks of
 * {@code bx} input × {@code by} output bits ({@link Shape}); each block is the middle part of a
 * cyclic convolution of length L ≥ bx+by-1 of an input piece with a seed window, and all blocks
 * of one output block are summed in the frequency domain, so there is one inverse transform per
 * output block. Blocks on the same diagonal share their seed window. For 1e6 → 5e5 bits that is
 * five transforms of 2^20 instead of three of 2^21 (the single block pads 1.5e6 up to 2.1e6),
 * and the transforms of one phase are independent, so they can run on several cores.
 *
 * <p>Exactness: every sum is an integer ≤ bx ≤ n < 2^27 with 0/1 terms; the round-off of a
 * double FFT convolution of length L ≤ 2^27 with such inputs stays many orders of magnitude
 * below 0.5, so rounding recovers each sum exactly. {@link #hashDirect} is the bit-by-bit
 * reference the tests hold it to, including all-ones blocks where the sums are largest. That is
 * still checked on every run: a coefficient more than {@link #ROUNDING_TOLERANCE} from an integer
 * fails the hash ({@link #roundChecked}) rather than letting both ends silently agree on a
 * wrong, no longer two-universal function.
 */
public final class ToeplitzHash {
  /** Largest transform: keeps FFT round-off under control and the arrays indexable. */
  static final int MAX_FFT = 1 << 27;
  /** Smallest transform considered for blocks; also keeps square blocks a multiple of 64 bits. */
  static final int MIN_FFT = 1 << 7;
  /**
   * Buffers up to this many bytes in all are kept per calling thread between calls (fresh ones
   * cost an extra pass to zero and garbage to collect); larger sets are allocated each time.
   */
  private static final long CACHE_MAX_BYTES = 32L << 20;
  /** Memory any shape may use even when the single block would need less. */
  static final long MEMORY_FREE = 64L << 20;
  /**
   * Largest distance from an integer a convolution coefficient may have before the product is
   * refused; far above the expected round-off and far below the 0.5 where rounding goes wrong.
   */
  static final double ROUNDING_TOLERANCE = 0.25;
  /** Spectrum entries multiplied together (even; 23 spectra of it fit in L2 with room). */
  private static final int SLICE = 1 << 12;

  /**
   * A transform plan and buffers are kept per calling thread between calls, softly: the collector
   * drops them when the heap runs short instead of the station failing for want of a cache.
   */
  private static final ThreadLocal<SoftReference<Plan>> PLAN = new ThreadLocal<>();
  private static final ThreadLocal<SoftReference<double[][]>> BUFFERS = new ThreadLocal<>();

  /** Helper threads for {@code parallelism > 1}; daemon, created on first use. */
  private static final class Pool {
    private static final AtomicInteger COUNT = new AtomicInteger();
    static final ExecutorService EXEC = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "toeplitz-fft-" + COUNT.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * How the product is cut: transforms of length {@code len}, input pieces of {@code bx} bits
   * ({@code nx} of them) and output blocks of {@code by} bits ({@code ny}); {@code by} is a
   * multiple of 64 when there are several output blocks, so blocks own whole output words.
   */
  record Shape(int len, int bx, int by, int nx, int ny) {
    Shape {
      if (len < bx + by - 1 || bx < 1 || by < 1) {
        throw new IllegalArgumentException("bad Toeplitz block shape");
      }
    }

    /** Distinct seed windows: equal blocks share one per diagonal. */
    int windows() {
      return bx == by ? nx + ny - 1 : nx * ny;
    }

    int transforms() {
      return nx + windows() + ny;
    }

    /** Arrays of length len alive at once (one output block accumulates in place). */
    int buffers() {
      return nx + windows() + (ny == 1 ? 0 : ny);
    }

    /**
     * Estimated nanoseconds on one core: transforms (JTransforms real FFT per element, measured
     * here inside this hash: cheaper while an array fits the 4 MB L2 cache, but the many small
     * blocks evict each other), the pointwise products (one per block) and the spreading and
     * wiping of every buffer. Calibrated so that 1e6 → 5e5 picks what measured fastest here.
     */
    double cost() {
      return transforms() * (double) len * nanosPerElement(len)
          + nx * (double) ny * len * 2.0
          + buffers() * (double) len * 0.6;
    }
  }

  static double nanosPerElement(int len) {
    int lg = 31 - Integer.numberOfLeadingZeros(len);
    if (lg <= 18) {
      return 8.0 + 0.5 * Math.max(0, lg - 16);
    }
    return lg <= 22 ? 11.5 + 0.3 * (lg - 19) : 18.0;
  }

  private ToeplitzHash() {}

  /** Seed bits needed for an n-bit input and m-bit output. */
  public static int seedBits(int n, int m) {
    check(n, m);
    return n + m - 1;
  }

  /**
   * {@code m} output bits of the Toeplitz hash of {@code input} under {@code seed}
   * ({@link #seedBits} bits), on the calling thread.
   */
  public static BitString hash(BitString input, BitString seed, int m) {
    return hash(input, seed, m, 1);
  }

  /**
   * As {@link #hash(BitString, BitString, int)}, running independent transforms on up to
   * {@code parallelism} threads (the caller and parallelism-1 helpers). The result does not
   * depend on {@code parallelism}.
   */
  public static BitString hash(BitString input, BitString seed, int m, int parallelism) {
    int n = input.length();
    checkSizes(n, m, seed.length());
    if (parallelism < 1) {
      throw new IllegalArgumentException("Toeplitz parallelism must be ≥ 1, got " + parallelism);
    }
    return hash(input, seed, m, parallelism, shape(n, m));
  }

  /** The same product bit by bit, O(n·m): the reference for tests. */
  public static BitString hashDirect(BitString input, BitString seed, int m) {
    int n = input.length();
    checkSizes(n, m, seed.length());
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
   * The cheapest shape for n → m by {@link Shape#cost} among those that need no more memory
   * than the single block (two arrays of the next power of two ≥ n+m-1) or
   * {@link #MEMORY_FREE} bytes: blocks save time, not memory (all input spectra are kept).
   */
  static Shape shape(int n, int m) {
    long single = 2L * 8 * fftLength(n + m - 1);
    long budget = Math.max(single, MEMORY_FREE);
    Shape best = null;
    for (int len = MIN_FFT; len <= MAX_FFT && len > 0; len <<= 1) {
      if (len >= n + m - 1) {
        // one block; any longer transform only costs more
        best = cheaper(best, new Shape(len, n, m, 1, 1), Long.MAX_VALUE);
        break;
      }
      best = cheaper(best, blocks(n, m, len, len / 2, len / 2), budget);
      if (len - m + 1 > 0) {
        best = cheaper(best, blocks(n, m, len, len - m + 1, m), budget);
      }
      int by = (len - n + 1) & ~63;
      if (by > 0) {
        best = cheaper(best, blocks(n, m, len, n, by), budget);
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("Toeplitz hash of " + n + " to " + m
          + " bits exceeds the supported size (n+m-1 ≤ " + MAX_FFT + ")");
    }
    return best;
  }

  private static Shape blocks(int n, int m, int len, int bx, int by) {
    int x = Math.min(bx, n);
    int y = Math.min(by, m);
    long nx = (n + (long) x - 1) / x;
    long ny = (m + (long) y - 1) / y;
    if (nx * ny > 4096) {
      return null; // far too many small blocks to be competitive
    }
    return new Shape(len, x, y, (int) nx, (int) ny);
  }

  private static Shape cheaper(Shape a, Shape b, long budget) {
    if (b == null || 8L * b.len() * b.buffers() > budget) {
      return a;
    }
    return a == null || b.cost() < a.cost() ? b : a;
  }

  /** The product with a given shape (tests use this to exercise every kind of block). */
  static BitString hash(BitString input, BitString seed, int m, int parallelism, Shape sh) {
    int n = input.length();
    checkSizes(n, m, seed.length());
    int len = sh.len();
    int bx = sh.bx();
    int by = sh.by();
    int nx = sh.nx();
    int ny = sh.ny();
    if ((long) nx * bx < n || (long) ny * by < m || (ny > 1 && by % 64 != 0) || len % 2 != 0) {
      throw new IllegalArgumentException("Toeplitz block shape " + sh + " does not cover "
          + n + " to " + m + " bits");
    }
    long[] in = input.unsafeWords();
    long[] sd = seed.unsafeWords();
    int seedLen = n + m - 1;
    double[][] buf = buffers(len, sh.buffers());
    double[][] xs = new double[nx][];
    int[] windowOf = new int[nx * ny];
    Map<Integer, Integer> windowIndex = new HashMap<>();
    int[] windowBase = new int[sh.windows()];
    for (int q = 0; q < ny; q++) {
      for (int p = 0; p < nx; p++) {
        // block (p,q) needs seed bits from base: y[q·by+i] += Σ_j s[base + i - j + bx - 1]·x[p·bx+j]
        int base = q * by - p * bx + n - bx;
        Integer w = windowIndex.get(base);
        if (w == null) {
          w = windowIndex.size();
          windowIndex.put(base, w);
          windowBase[w] = base;
        }
        windowOf[q * nx + p] = w;
      }
    }
    int windows = windowIndex.size();
    double[][] ws = new double[windows][];
    for (int p = 0; p < nx; p++) {
      xs[p] = buf[p];
    }
    for (int w = 0; w < windows; w++) {
      ws[w] = buf[nx + w];
    }
    long[] out = new long[BitString.wordsFor(m)];
    try {
      run(parallelism, nx + windows, t -> {
        DoubleFFT_1D fft = plan(len);
        if (t < nx) {
          spread(in, t * bx, Math.min(bx, n - t * bx), xs[t], 0);
          fft.realForward(xs[t]);
        } else {
          int w = t - nx;
          spreadWindow(sd, seedLen, windowBase[w], bx + by - 1, ws[w]);
          fft.realForward(ws[w]);
        }
      });
      double[][] accs = new double[ny][];
      for (int q = 0; q < ny; q++) {
        accs[q] = ny == 1 ? xs[0] : buf[nx + windows + q];
      }
      // all products of one slice of the spectra at once: every spectrum is read from memory
      // once instead of once per block, and the slices are independent
      int slices = (len + SLICE - 1) / SLICE;
      run(parallelism, slices, c -> {
        int from = c * SLICE;
        int to = Math.min(len, from + SLICE);
        for (int q = 0; q < ny; q++) {
          for (int p = 0; p < nx; p++) {
            double[] w = ws[windowOf[q * nx + p]];
            if (p == 0) {
              multiply(xs[0], w, accs[q], from, to);
            } else {
              multiplyAdd(xs[p], w, accs[q], from, to);
            }
          }
        }
      });
      run(parallelism, ny, q -> {
        plan(len).realInverse(accs[q], true);
        extract(accs[q], bx - 1, q * by, Math.min(by, m - q * by), out, len);
      });
    } finally {
      // spectra of key material: never leave them behind in reused buffers
      for (double[] b : buf) {
        Arrays.fill(b, 0);
      }
    }
    return BitString.wrap(out, m);
  }

  /** A step of one phase, numbered 0..count-1. */
  private interface Step {
    void run(int index);
  }

  /** Runs steps 0..count-1, on the caller and up to parallelism-1 helper threads. */
  private static void run(int parallelism, int count, Step step) {
    int helpers = Math.min(parallelism, count) - 1;
    if (helpers <= 0) {
      for (int i = 0; i < count; i++) {
        step.run(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
        step.run(i);
      }
    };
    Future<?>[] futures = new Future<?>[helpers];
    for (int h = 0; h < helpers; h++) {
      futures[h] = Pool.EXEC.submit(worker);
    }
    RuntimeException failure = null;
    try {
      worker.run();
    } catch (RuntimeException e) {
      failure = e;
      next.set(count); // stop handing out steps
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r
              : new IllegalStateException("Toeplitz FFT step failed", e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = new IllegalStateException("interrupted during Toeplitz hash", e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** A transform plan and its length. */
  private record Plan(int len, DoubleFFT_1D fft) {}

  private static DoubleFFT_1D plan(int len) {
    SoftReference<Plan> ref = PLAN.get();
    Plan have = ref == null ? null : ref.get();
    if (have == null || have.len() != len) {
      have = new Plan(len, new DoubleFFT_1D(len));
      PLAN.set(new SoftReference<>(have));
    }
    return have.fft();
  }

  /**
   * count all-zero arrays of length len; small ones are reused by the calling thread (they are
   * wiped after every use, so they are all-zero between calls).
   */
  private static double[][] buffers(int len, int count) {
    if (8L * len * count > CACHE_MAX_BYTES) {
      double[][] fresh = new double[count][];
      for (int i = 0; i < count; i++) {
        fresh[i] = new double[len];
      }
      return fresh;
    }
    SoftReference<double[][]> ref = BUFFERS.get();
    double[][] have = ref == null ? null : ref.get();
    if (have == null || have.length < count || have[0].length != len) {
      have = new double[count][];
      for (int i = 0; i < count; i++) {
        have[i] = new double[len];
      }
      BUFFERS.set(new SoftReference<>(have));
    }
    return count == have.length ? have : Arrays.copyOf(have, count);
  }

  /**
   * The smallest power of two ≥ {@code min} (at least 2). Measured here, JTransforms' 5-smooth
   * mixed-radix lengths cost more per transform than the next power of two, so no gain.
   */
  static int fftLength(int min) {
    int len = Integer.highestOneBit(Math.max(min, 2));
    return len < min ? len << 1 : len;
  }

  static void checkSizes(int n, int m, int seedLength) {
    check(n, m);
    if (seedLength != n + m - 1) {
      throw new IllegalArgumentException("Toeplitz seed must have n+m-1 = " + (n + m - 1)
          + " bits, got " + seedLength);
    }
  }

  private static void check(int n, int m) {
    if (n < 1 || m < 1 || m > n) {
      throw new IllegalArgumentException(
          "Toeplitz hash needs 1 ≤ m ≤ n, got n=" + n + ", m=" + m);
    }
    if ((long) n + m - 1 > MAX_FFT) {
      throw new IllegalArgumentException("Toeplitz hash of " + n + " to " + m
          + " bits exceeds the supported size (n+m-1 ≤ " + MAX_FFT + ")");
    }
  }

  /** d[at..at+count) := bits from..from+count of words; the rest of d is already 0. */
  private static void spread(long[] words, int from, int count, double[] d, int at) {
    int k = 0;
    int b = from;
    // bit by bit up to a word boundary, then whole words
    for (; k < count && (b & 63) != 0; k++, b++) {
      d[at + k] = (words[b >>> 6] >>> b) & 1L;
    }
    for (; k + 64 <= count; k += 64, b += 64) {
      long w = words[b >>> 6];
      int o = at + k;
      for (int i = 0; i < 64; i++) {
        d[o + i] = (w >>> i) & 1L;
      }
    }
    for (; k < count; k++, b++) {
      d[at + k] = (words[b >>> 6] >>> b) & 1L;
    }
  }

  /** d[k] := seed bit base+k for k < count (0 outside the seed); d beyond is already 0. */
  private static void spreadWindow(long[] words, int seedLen, int base, int count, double[] d) {
    int lo = Math.max(0, -base);
    int hi = Math.min(count, seedLen - base);
    if (hi > lo) {
      spread(words, base + lo, hi - lo, d, lo);
    }
  }

  /**
   * out[from..from+count) := parity of the rounded sums at a[offset..offset+count), each checked
   * by {@link #roundChecked} against a transform of length len.
   */
  private static void extract(double[] a, int offset, int from, int count, long[] out, int len) {
    for (int i = 0; i < count; i++) {
      long v = roundChecked(a[offset + i], len);
      int o = from + i;
      out[o >>> 6] |= (v & 1L) << o;
    }
  }

  /**
   * The integer nearest to the convolution coefficient {@code v}, after checking that {@code v}
   * is within {@link #ROUNDING_TOLERANCE} of it (one compare; NaN and infinities fail too).
   * Otherwise the FFT has lost precision and the rounded product could be silently wrong, so
   * this throws an {@link IllegalStateException} naming the transform (block) length
   * {@code fftLength} — never the value, which is key-dependent.
   */
  static long roundChecked(double v, int fftLength) {
    double r = Math.rint(v);
    if (!(Math.abs(v - r) <= ROUNDING_TOLERANCE)) {
      throw precisionLost(fftLength);
    }
    return (long) r;
  }

  private static IllegalStateException precisionLost(int fftLength) {
    return new IllegalStateException("Toeplitz hash: FFT product lost precision (a coefficient "
        + "is more than " + ROUNDING_TOLERANCE + " from an integer) at FFT block size "
        + fftLength);
  }

  /**
   * acc := a·b on [from, to) (even bounds) for spectra in JTransforms' packed real layout, where
   * entries 0 and 1 are the real values at frequencies 0 and len/2; acc may be a.
   */
  private static void multiply(double[] a, double[] b, double[] acc, int from, int to) {
    int k = from;
    if (k == 0) {
      acc[0] = a[0] * b[0];
      acc[1] = a[1] * b[1];
      k = 2;
    }
    for (; k < to; k += 2) {
      double re = a[k] * b[k] - a[k + 1] * b[k + 1];
      double im = a[k] * b[k + 1] + a[k + 1] * b[k];
      acc[k] = re;
      acc[k + 1] = im;
    }
  }

  /** acc += a·b on [from, to), layout as for {@link #multiply}. */
  private static void multiplyAdd(double[] a, double[] b, double[] acc, int from, int to) {
    int k = from;
    if (k == 0) {
      acc[0] += a[0] * b[0];
      acc[1] += a[1] * b[1];
      k = 2;
    }
    for (; k < to; k += 2) {
      acc[k] += a[k] * b[k] - a[k + 1] * b[k + 1];
      acc[k + 1] += a[k] * b[k + 1] + a[k + 1] * b[k];
    }
  }
}
