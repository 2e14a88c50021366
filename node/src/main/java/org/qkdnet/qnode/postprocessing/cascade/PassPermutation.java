package org.qkdnet.qnode.postprocessing.cascade;

/**
 * The public pseudo-random bit permutation of one Cascade pass of one frame, over a frame padded
 * to {@code N = 4096·g} bits (see {@link FrameLayout}).
 *
 * <p>Why this shape instead of a Fisher–Yates shuffle of all N positions: both ends build one per
 * pass (14 per frame), and Bob maps every corrected bit into every earlier pass. A full shuffle
 * costs N random memory accesses to build and 8 bytes per bit to keep in both directions
 * (over 100 MB per 1e6-bit frame for 14 passes); this one costs two shuffles of the N/64 words,
 * two per-word rotations and one 64×64 bit transpose per group of 64 words, keeps 18 bytes per
 * word, applies to a whole key in a fraction of a millisecond and maps single positions in both
 * directions in O(1). Position {@code x = 64w + b} goes to
 * <pre>
 *   w1 = σ1(w), b1 = b + ρ1(w) mod 64            (move and rotate words)
 *   w2 = 64·⌊w1/64⌋ + b1, b2 = w1 mod 64         (transpose each 64×64 group)
 *   w3 = σ2(w2), b3 = b2 + ρ2(w2) mod 64         (move and rotate words again)
 * </pre>
 * so bits that shared a word (and so a small block) land in independent random words, and any
 * two positions share a word with probability 1/(N/64), as under a uniform permutation. The
 * frame-error and efficiency figures are measured with it (CascadeBenchmark, {@code qnode bench
 * cascade}).
 */
public final class PassPermutation {
  private final int words;
  private final int[] sigma1;
  private final int[] sigma1Inv;
  private final byte[] rot1;
  private final int[] sigma2;
  private final int[] sigma2Inv;
  private final byte[] rot2;

  private PassPermutation(int words, SplitMix64 rng) {
    this.words = words;
    this.sigma1 = shuffle(words, rng);
    this.sigma1Inv = invert(sigma1);
    this.rot1 = rotations(words, rng);
    this.sigma2 = shuffle(words, rng);
    this.sigma2Inv = invert(sigma2);
    this.rot2 = rotations(words, rng);
  }

  /**
   * The permutation of pass {@code pass} (0-based) of frame {@code frameId}; {@code paddedBits}
   * must be a positive multiple of 4096.
   */
  public static PassPermutation of(long seed, long frameId, int pass, int paddedBits) {
    if (paddedBits <= 0 || paddedBits % FrameLayout.GRANULE != 0) {
      throw new IllegalArgumentException(
          "padded frame length must be a positive multiple of 4096, got " + paddedBits);
    }
    long s = SplitMix64.mix(seed ^ SplitMix64.mix(frameId + 0x5851F42D4C957F2DL))
        ^ SplitMix64.mix(0xC2B2AE3D27D4EB4FL * (pass + 1L));
    return new PassPermutation(paddedBits >>> 6, new SplitMix64(s));
  }

  public int bits() {
    return words << 6;
  }

  /** Where original position {@code x} sits in this pass's order. */
  public int toPermuted(int x) {
    int w = x >>> 6;
    int w1 = sigma1[w];
    int b1 = (x + rot1[w]) & 63;
    int w2 = (w1 & ~63) | b1;
    int b2 = w1 & 63;
    return (sigma2[w2] << 6) | ((b2 + rot2[w2]) & 63);
  }

  /** The original position at position {@code p} of this pass's order. */
  public int toOriginal(int p) {
    int w2 = sigma2Inv[p >>> 6];
    int b2 = (p - rot2[w2]) & 63;
    int w1 = (w2 & ~63) | b2;
    int b1 = w2 & 63;
    int w = sigma1Inv[w1];
    return (w << 6) | ((b1 - rot1[w]) & 63);
  }

  /** Writes {@code src} (original order, {@link #bits()} bits) into {@code dst} in pass order. */
  public void apply(long[] src, long[] dst) {
    long[] t = new long[64];
    for (int g = 0; g < words; g += 64) {
      for (int u = 0; u < 64; u++) {
        int w = sigma1Inv[g + u];
        t[u] = Long.rotateLeft(src[w], rot1[w]);
      }
      transpose64(t);
      for (int b1 = 0; b1 < 64; b1++) {
        int w2 = g + b1;
        dst[sigma2[w2]] = Long.rotateLeft(t[b1], rot2[w2]);
      }
    }
  }

  /** In-place transpose of a 64×64 bit matrix: afterwards bit j of a[i] is old bit i of a[j]. */
  static void transpose64(long[] a) {
    long m = 0x00000000FFFFFFFFL;
    for (int j = 32; j != 0; j >>>= 1, m ^= m << j) {
      for (int k = 0; k < 64; k = (k + j + 1) & ~j) {
        long t = ((a[k] >>> j) ^ a[k + j]) & m;
        a[k + j] ^= t;
        a[k] ^= t << j;
      }
    }
  }

  private static int[] shuffle(int n, SplitMix64 rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static int[] invert(int[] p) {
    int[] inv = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      inv[p[i]] = i;
    }
    return inv;
  }

  private static byte[] rotations(int n, SplitMix64 rng) {
    byte[] r = new byte[n];
    for (int i = 0; i < n; i += 8) {
      long v = rng.nextLong();
      for (int k = 0; k < 8 && i + k < n; k++) {
        r[i + k] = (byte) ((v >>> (8 * k)) & 63);
      }
    }
    return r;
  }
}
