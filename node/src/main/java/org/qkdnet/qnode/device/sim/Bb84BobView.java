package org.qkdnet.qnode.device.sim;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bob's side of one frame: the slots where a detector clicked (ascending), the basis he
 * measured in and the bit he read. Nothing of Alice's preparation is visible here.
 * {@link #toString} shows counts only: the bits may become key.
 */
public final class Bb84BobView {
  private final long frame;
  private final int frameSlots;
  private final int detections;
  private final int[] slots;
  private final long[] xBasis;
  private final long[] bits;

  Bb84BobView(long frame, int frameSlots, int detections, int[] slots, long[] xBasis, long[] bits) {
    this.frame = frame;
    this.frameSlots = frameSlots;
    this.detections = detections;
    this.slots = slots;
    this.xBasis = xBasis;
    this.bits = bits;
  }

  public long frame() {
    return frame;
  }

  public int frameSlots() {
    return frameSlots;
  }

  public int detections() {
    return detections;
  }

  /** Slot of detection {@code i}; slots ascend with i. */
  public int slot(int i) {
    return slots[Objects.checkIndex(i, detections)];
  }

  public Basis basis(int i) {
    return isX(i) ? Basis.X : Basis.Z;
  }

  public boolean isX(int i) {
    Objects.checkIndex(i, detections);
    return (xBasis[i >>> 6] >>> i & 1) != 0;
  }

  public int bit(int i) {
    Objects.checkIndex(i, detections);
    return (int) (bits[i >>> 6] >>> i & 1);
  }

  /**
   * Bases of detections {@code 64 w .. 64 w + 63}: bit b set = detection 64 w + b measured in X.
   * Bits past the last detection are zero.
   */
  public long xBasisWord(int w) {
    Objects.checkIndex(w, (detections + 63) >>> 6);
    return xBasis[w];
  }

  /** Bits of detections {@code 64 w .. 64 w + 63} (bit b is detection 64 w + b's); zero past the last. */
  public long bitWord(int w) {
    Objects.checkIndex(w, (detections + 63) >>> 6);
    return bits[w];
  }

  /** A copy of the detected slots. */
  public int[] slots() {
    return Arrays.copyOf(slots, detections);
  }

  /** Clears Bob's bits; later reads see zeros. */
  public void zeroize() {
    Arrays.fill(bits, 0);
  }

  @Override
  public String toString() {
    return "Bb84BobView[frame=" + frame + ", slots=" + frameSlots + ", detections=" + detections + "]";
  }
}
