package org.qkdnet.qnode.postprocessing.verification;

import org.qkdnet.qnode.postprocessing.cascade.BitString;

/**
 * Polynomial hashing over GF(2^64) (modulus x^64 + x^4 + x^3 + x + 1): the frame's L words
 * m_1..m_L and its bit length are the coefficients, evaluated at the key k by Horner's rule,
 * {@code h = (...((m_1)·k + m_2)·k ... + len)·k}. For two different frames of at most L words
 * the hashes collide for at most L+1 of the 2^64 keys, so a key drawn uniformly after the frames
 * are fixed makes a collision of the low t bits happen with probability at most (L+1)/2^t
 * (Wegman–Carter; the classic ε-almost-universal family).
 */
public final class Gf64PolynomialHash {
  /** x^64 reduced: x^4 + x^3 + x + 1. */
  private static final long POLY = 0x1BL;
  private static final long[] REDUCE = new long[16];

  static {
    for (int t = 0; t < 16; t++) {
      long r = 0;
      for (int b = 0; b < 4; b++) {
        if (((t >>> b) & 1) != 0) {
          r ^= POLY << b;
        }
      }
      REDUCE[t] = r;
    }
  }

  private final long[] table = new long[16];

  /** @param key the hash key; zero is refused because it maps everything to zero */
  public Gf64PolynomialHash(long key) {
    if (key == 0) {
      throw new IllegalArgumentException("GF(2^64) hash key must be nonzero");
    }
    for (int i = 1; i < 16; i++) {
      table[i] = multiplySlow(i, key);
    }
  }

  public long hash(BitString bits) {
    long[] w = bits.unsafeWords();
    long h = 0;
    for (long m : w) {
      h = times(h ^ m);
    }
    return times(h ^ bits.length());
  }

  /** {@code a·key} by 4-bit windows. */
  private long times(long a) {
    long r = 0;
    for (int s = 60; s >= 0; s -= 4) {
      r = (r << 4) ^ REDUCE[(int) (r >>> 60)] ^ table[(int) (a >>> s) & 15];
    }
    return r;
  }

  /** Bit-by-bit product in GF(2^64), the reference for the table method. */
  static long multiplySlow(long a, long b) {
    long r = 0;
    for (int i = 63; i >= 0; i--) {
      boolean carry = r < 0;
      r <<= 1;
      if (carry) {
        r ^= POLY;
      }
      if (((a >>> i) & 1) != 0) {
        r ^= b;
      }
    }
    return r;
  }

  long timesForTest(long a) {
    return times(a);
  }
}
