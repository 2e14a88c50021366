package org.qkdnet.qnode.postprocessing.sifting;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable string of public bits (bases, match masks, disclosed sample bits). Never used for
 * key bits: those travel as {@link org.qkdnet.qnode.crypto.KeyMaterial}.
 */
public final class BitString {
  private final long[] words;
  private final int length;

  private BitString(long[] words, int length) {
    this.words = words;
    this.length = length;
  }

  /** Bits {@code [0, length)} of {@code words} (bit i is bit i % 64 of word i / 64); copies. */
  public static BitString of(long[] words, int length) {
    if (length < 0 || (long) words.length * 64 < length) {
      throw new IllegalArgumentException(
          "bit string of length " + length + " does not fit in " + words.length + " words");
    }
    long[] w = Arrays.copyOf(words, (length + 63) >>> 6);
    if ((length & 63) != 0) {
      w[w.length - 1] &= -1L >>> (64 - (length & 63));
    }
    return new BitString(w, length);
  }

  /** Wire form: bit i is bit i % 8 of byte i / 8; see {@link #toByteArray()}. */
  public static BitString fromBytes(byte[] bytes, int length) {
    if (length < 0 || (long) bytes.length * 8 < length) {
      throw new IllegalArgumentException(
          "bit string of length " + length + " does not fit in " + bytes.length + " bytes");
    }
    long[] w = new long[(length + 63) >>> 6];
    for (int i = 0; i < (length + 7) >>> 3; i++) {
      w[i >>> 3] |= (bytes[i] & 0xFFL) << ((i & 7) << 3);
    }
    return of(w, length);
  }

  public byte[] toByteArray() {
    byte[] b = new byte[(length + 7) >>> 3];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (words[i >>> 3] >>> ((i & 7) << 3));
    }
    return b;
  }

  public int length() {
    return length;
  }

  public boolean get(int i) {
    Objects.checkIndex(i, length);
    return (words[i >>> 6] >>> i & 1) != 0;
  }

  /** Bits {@code 64 w .. 64 w + 63}; zero past the length. */
  long word(int w) {
    return words[w];
  }

  public int cardinality() {
    int c = 0;
    for (long w : words) {
      c += Long.bitCount(w);
    }
    return c;
  }

  /** Appends bits, then {@link #build()}. */
  public static final class Builder {
    private long[] words;
    private int length;

    public Builder(int expectedLength) {
      words = new long[Math.max(1, (expectedLength + 63) >>> 6)];
    }

    public Builder add(boolean bit) {
      if (length == (long) words.length * 64) {
        words = Arrays.copyOf(words, words.length * 2);
      }
      if (bit) {
        words[length >>> 6] |= 1L << length;
      }
      length++;
      return this;
    }

    public BitString build() {
      return of(words, length);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BitString b && b.length == length && Arrays.equals(b.words, words);
  }

  @Override
  public int hashCode() {
    return 31 * length + Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    return "BitString[length=" + length + ", ones=" + cardinality() + "]";
  }
}
