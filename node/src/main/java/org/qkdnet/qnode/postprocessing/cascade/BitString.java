package org.qkdnet.qnode.postprocessing.cascade;

import java.util.Arrays;
import org.qkdnet.qnode.crypto.KeyMaterial;

/**
 * A secret bit string, bit-packed little-endian into {@code long} words: bit {@code i} is bit
 * {@code i & 63} of word {@code i >>> 6}. Bits past {@link #length()} in the last word are zero.
 *
 * <p>Holds sifted or reconciled key: never prints its content, and can be zeroized. It is
 * mutable only through the package (Cascade flips Bob's bits in place); everybody else gets
 * copies.
 */
public final class BitString {
  private final long[] words;
  private final int length;

  private BitString(long[] words, int length) {
    this.words = words;
    this.length = length;
  }

  /** Takes ownership of {@code words}; bits at and past {@code length} are cleared. */
  public static BitString wrap(long[] words, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("bit length must be >= 0, got " + length);
    }
    if (words.length != wordsFor(length)) {
      throw new IllegalArgumentException("bit length " + length + " needs " + wordsFor(length)
          + " words, got " + words.length);
    }
    if ((length & 63) != 0) {
      words[words.length - 1] &= (1L << (length & 63)) - 1;
    }
    return new BitString(words, length);
  }

  /** Copies {@code words}; the caller keeps its array. */
  public static BitString copyOf(long[] words, int length) {
    return wrap(words.clone(), length);
  }

  /** The first {@code length} bits of {@code key} (byte 0 bit 0 is bit 0). */
  public static BitString fromKeyMaterial(KeyMaterial key, int length) {
    if (length < 0 || length > 8L * key.length()) {
      throw new IllegalArgumentException("cannot take " + length + " bits from a key of "
          + key.length() + " bytes");
    }
    byte[] b = key.copyBytes();
    try {
      long[] w = new long[wordsFor(length)];
      int nBytes = (length + 7) >>> 3;
      for (int i = 0; i < nBytes; i++) {
        w[i >>> 3] |= (b[i] & 0xFFL) << ((i & 7) << 3);
      }
      return wrap(w, length);
    } finally {
      Arrays.fill(b, (byte) 0);
    }
  }

  /** The bits as key bytes, the last byte zero-padded. */
  public KeyMaterial toKeyMaterial() {
    byte[] b = new byte[(length + 7) >>> 3];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (words[i >>> 3] >>> ((i & 7) << 3));
    }
    return KeyMaterial.wrap(b);
  }

  public static int wordsFor(int bits) {
    return (int) ((bits + 63L) >>> 6);
  }

  /**
   * The bits of {@code parts} one after the other (bit i of part j follows the last bit of part
   * j - 1); a new string the caller owns. Throws if the total exceeds 2^31 - 1 bits.
   */
  public static BitString concat(java.util.List<BitString> parts) {
    long total = 0;
    for (BitString p : parts) {
      total += p.length();
    }
    if (total > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("concatenation of " + total + " bits is too long");
    }
    int n = (int) total;
    long[] out = new long[wordsFor(n)];
    int at = 0;
    for (BitString p : parts) {
      long[] w = p.unsafeWords();
      int len = p.length();
      int shift = at & 63;
      int base = at >>> 6;
      int words = wordsFor(len);
      for (int k = 0; k < words; k++) {
        long v = w[k];
        if (k == words - 1 && (len & 63) != 0) {
          v &= (1L << (len & 63)) - 1;
        }
        out[base + k] |= v << shift;
        if (shift != 0 && base + k + 1 < out.length) {
          out[base + k + 1] |= v >>> (64 - shift);
        }
      }
      at += len;
    }
    return wrap(out, n);
  }

  public int length() {
    return length;
  }

  public boolean get(int i) {
    java.util.Objects.checkIndex(i, length);
    return ((words[i >>> 6] >>> i) & 1L) != 0;
  }

  /** A copy of the packed words. */
  public long[] copyWords() {
    return words.clone();
  }

  /** The words themselves, for the post-processing packages' hot loops; never expose further. */
  public long[] unsafeWords() {
    return words;
  }

  public BitString copy() {
    return new BitString(words.clone(), length);
  }

  /** Number of positions where the two strings differ (equal lengths). */
  public int hammingDistance(BitString other) {
    if (other.length != length) {
      throw new IllegalArgumentException(
          "hamming distance of strings of different lengths: " + length + " and " + other.length);
    }
    int d = 0;
    for (int i = 0; i < words.length; i++) {
      d += Long.bitCount(words[i] ^ other.words[i]);
    }
    return d;
  }

  /** Equal content, compared without an early exit. */
  public boolean contentEquals(BitString other) {
    if (other.length != length) {
      return false;
    }
    long acc = 0;
    for (int i = 0; i < words.length; i++) {
      acc |= words[i] ^ other.words[i];
    }
    return acc == 0;
  }

  public void zeroize() {
    Arrays.fill(words, 0L);
  }

  @Override
  public String toString() {
    return "BitString[" + length + " bits]";
  }

  /** Parity of bits {@code [from, to)} of a packed array. */
  public static int parity(long[] w, int from, int to) {
    if (from >= to) {
      return 0;
    }
    int fw = from >>> 6;
    int lw = (to - 1) >>> 6;
    long lo = -1L << from; // shift counts are taken mod 64
    long hi = -1L >>> (-to & 63);
    if (fw == lw) {
      return Long.bitCount(w[fw] & lo & hi) & 1;
    }
    long acc = (w[fw] & lo) ^ (w[lw] & hi);
    for (int i = fw + 1; i < lw; i++) {
      acc ^= w[i];
    }
    return Long.bitCount(acc) & 1;
  }

  static void flip(long[] w, int i) {
    w[i >>> 6] ^= 1L << i;
  }

  static int bit(long[] w, int i) {
    return (int) (w[i >>> 6] >>> i) & 1;
  }
}
