package org.qkdnet.qnode.postprocessing.cascade;

/**
 * How a frame of n sifted bits is laid out for Cascade: zero-padded to a multiple of 4096 bits
 * so that {@link PassPermutation} works on whole 64×64 groups. Both ends pad with zeros, so the
 * padding never holds an error and discloses nothing.
 */
public final class FrameLayout {
  /** Padding granule: 64 words of 64 bits. */
  public static final int GRANULE = 4096;
  /** Largest frame: keeps every padded position and block bound inside an int. */
  public static final int MAX_BITS = 1 << 30;

  private FrameLayout() {}

  public static int paddedBits(int n) {
    if (n <= 0 || n > MAX_BITS) {
      throw new IllegalArgumentException("frame length must be in [1, " + MAX_BITS + "] bits, got "
          + n);
    }
    return (int) (((long) n + GRANULE - 1) / GRANULE * GRANULE);
  }

  /** The frame's words, zero-extended to the padded length. */
  static long[] padded(BitString key) {
    long[] w = new long[paddedBits(key.length()) >>> 6];
    long[] src = key.unsafeWords();
    System.arraycopy(src, 0, w, 0, src.length);
    return w;
  }
}
