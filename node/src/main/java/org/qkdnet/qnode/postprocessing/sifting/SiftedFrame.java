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
    int k = 0;
    for (int i = 0; i < size; i++) {
      k += isKey(i) ? 1 : 0;
    }
    this.keyLength = k;
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
    int j = 0;
    for (int i = 0; i < size; i++) {
      if (isKey(i)) {
        out[j >>> 3] |= (byte) (bit(i) << (7 - (j & 7)));
        j++;
      }
    }
    return KeyMaterial.wrap(out);
  }

  /** This end's disclosed bits, in sifted order; compared with the other end's for estimation. */
  public BitString disclosedBits() {
    BitString.Builder b = new BitString.Builder(disclosedLength());
    for (int i = 0; i < size; i++) {
      if (!isKey(i)) {
        b.add(bit(i) != 0);
      }
    }
    return b.build();
  }

  private int bit(int i) {
    return (int) (bits[i >>> 6] >>> i & 1);
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
