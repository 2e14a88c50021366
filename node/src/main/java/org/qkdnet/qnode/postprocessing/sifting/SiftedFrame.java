package org.qkdnet.qnode.postprocessing.sifting;

import java.util.Arrays;
import java.util.Objects;
import org.qkdnet.qnode.device.sim.Intensity;
import org.qkdnet.qnode.crypto.KeyMaterial;

/**
 * One end's sifted frame: the detections where both bases matched, in slot order, identical in
 * slots, bases and classes at both ends; the bits are this end's own. Every Z-basis bit, of any
 * intensity class, is raw key (Lim et al. 2014 extract key from all intensities of the key basis);
 * every X-basis bit is disclosed to estimate the phase error.
 * {@link #toString} shows counts only.
 */
public final class SiftedFrame {
  private final long frame;
  private final int size;
  private final int[] slots;
  private final long[] xBasis;
  private final byte[] intensities;
  private final long[] bits;
  private final int keyLength;

  SiftedFrame(long frame, int size, int[] slots, long[] xBasis, byte[] intensities, long[] bits) {
    this.frame = frame;
    this.size = size;
    this.slots = slots;
    this.xBasis = xBasis;
    this.intensities = intensities;
    this.bits = bits;
    int xCount = 0;
    for (int w = 0; w < (size + 63) >>> 6; w++) {
      xCount += Long.bitCount(xWord(w));
    }
    this.keyLength = size - xCount;
  }

  public long frame() {
    return frame;
  }

  /** Sifted detections. */
  public int size() {
    return size;
  }

  public int slot(int i) {
    return slots[Objects.checkIndex(i, size)];
  }

  public boolean isX(int i) {
    Objects.checkIndex(i, size);
    return (xBasis[i >>> 6] >>> i & 1) != 0;
  }

  public Intensity intensity(int i) {
    return Intensity.ofCode(intensities[Objects.checkIndex(i, size)]);
  }

  /** True for the raw-key positions: the Z basis. */
  public boolean isKey(int i) {
    return !isX(i);
  }

  /** A copy of the sifted slots. */
  public int[] slots() {
    return Arrays.copyOf(slots, size);
  }

  /** Raw key bits (Z basis). */
  public int keyLength() {
    return keyLength;
  }

  /** Disclosed bits: every sifted bit that is not key. */
  public int disclosedLength() {
    return size - keyLength;
  }

  /**
   * The raw key, packed most significant bit first: key bit j is bit 7 - j % 8 of byte j / 8;
   * unused low bits of the last byte are zero.
   */
  public KeyMaterial keyBits() {
    byte[] out = new byte[(keyLength + 7) >>> 3];
    MsbFirstWriter writer = new MsbFirstWriter(out);
    for (int w = 0; w < (size + 63) >>> 6; w++) {
      // A word's key bits come in runs between its X-basis positions: one append per run.
      long key = ~xWord(w) & validBits(w);
      long word = bits[w];
      while (key != 0) {
        int start = Long.numberOfTrailingZeros(key);
        int run = Long.numberOfTrailingZeros(~(key >>> start));
        writer.append(word >>> start, run);
        key &= ~((-1L >>> (64 - run)) << start);
      }
    }
    writer.finish();
    return KeyMaterial.wrap(out);
  }

  /** This end's disclosed bits, in sifted order; compared with the other end's for estimation. */
  public BitString disclosedBits() {
    int length = disclosedLength();
    long[] out = new long[Math.max(1, (length + 63) >>> 6)];
    int d = 0;
    for (int w = 0; w < (size + 63) >>> 6; w++) {
      long word = bits[w];
      for (long x = xWord(w); x != 0; x &= x - 1) {
        out[d >>> 6] |= ((word >>> Long.numberOfTrailingZeros(x)) & 1) << d; // no branch on the bit
        d++;
      }
    }
    return BitString.of(out, length);
  }

  /** The first X-basis (disclosed) position at or after {@code from}, or -1 if there is none. */
  public int nextX(int from) {
    if (from < 0) {
      throw new IndexOutOfBoundsException("position " + from + " is negative");
    }
    if (from >= size) {
      return -1;
    }
    int w = from >>> 6;
    long word = xWord(w) & (-1L << from);
    while (word == 0) {
      if (++w >= (size + 63) >>> 6) {
        return -1;
      }
      word = xWord(w);
    }
    return (w << 6) + Long.numberOfTrailingZeros(word);
  }

  /** Sifted detections per intensity class (both bases), indexed by {@link Intensity#ordinal()}. */
  public long[] countsPerClass() {
    long decoy = 0;
    long vacuum = 0;
    for (int i = 0; i < size; i++) {
      byte c = intensities[i];
      decoy += c == Intensity.DECOY.code() ? 1 : 0;
      vacuum += c == Intensity.VACUUM.code() ? 1 : 0;
    }
    long[] counts = new long[3];
    counts[Intensity.DECOY.ordinal()] = decoy;
    counts[Intensity.VACUUM.ordinal()] = vacuum;
    counts[Intensity.SIGNAL.ordinal()] = size - decoy - vacuum;
    return counts;
  }

  /** The X-basis bits of word {@code w}, none past the size. */
  private long xWord(int w) {
    return xBasis[w] & validBits(w);
  }

  private long validBits(int w) {
    int n = size - (w << 6);
    return n >= 64 ? -1L : (1L << n) - 1;
  }

  /** Appends bits to a byte array most significant bit first, 64 at a time. */
  private static final class MsbFirstWriter {
    private final byte[] out;
    private int position;
    private long pending; // bits so far, from the top
    private int filled;

    MsbFirstWriter(byte[] out) {
      this.out = out;
    }

    /** Appends the lowest {@code count} bits of {@code bits} (1..64), lowest first. */
    void append(long bits, int count) {
      long top = Long.reverse(bits) & (-1L << (64 - count));
      pending |= top >>> filled;
      int total = filled + count;
      if (total >= 64) {
        putLong(pending);
        pending = filled == 0 ? 0 : top << (64 - filled);
        total -= 64;
      }
      filled = total;
    }

    void finish() {
      for (int i = 0; i < (filled + 7) >>> 3; i++) {
        out[position++] = (byte) (pending >>> (56 - 8 * i));
      }
      pending = 0;
    }

    private void putLong(long v) {
      for (int i = 0; i < 8; i++) {
        out[position++] = (byte) (v >>> (56 - 8 * i));
      }
    }
  }

  /** Clears this end's bits. */
  public void zeroize() {
    Arrays.fill(bits, 0);
  }

  @Override
  public String toString() {
    return "SiftedFrame[frame=" + frame + ", sifted=" + size + ", key=" + keyLength + "]";
  }
}
