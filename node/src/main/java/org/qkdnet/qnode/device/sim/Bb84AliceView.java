package org.qkdnet.qnode.device.sim;

/**
 * Alice's side of one frame: what she prepared in each slot. It is a function of the slot,
 * computable for any slot of the frame, and knows nothing about which slots Bob detected:
 * she learns that only from his sifting announcement.
 */
public final class Bb84AliceView {
  private final long frame;
  private final int frameSlots;
  private final long key;
  private final Preparation preparation;

  Bb84AliceView(long frame, int frameSlots, long key, Preparation preparation) {
    this.frame = frame;
    this.frameSlots = frameSlots;
    this.key = key;
    this.preparation = preparation;
  }

  public long frame() {
    return frame;
  }

  public int frameSlots() {
    return frameSlots;
  }

  /** What Alice sent in {@code slot}. */
  public AliceSlot slot(int slot) {
    long v = value(slot);
    return new AliceSlot(preparation.xBasis(v) ? Basis.X : Basis.Z, preparation.bit(v),
        Intensity.ofCode(preparation.intensity(v)));
  }

  /**
   * Alice's slot packed for bulk use: bit 0 = her bit, bit 1 = X basis, bits 2-3 = intensity code.
   * Avoids one object per detection in sifting.
   */
  public int packed(int slot) {
    long v = value(slot);
    // Branch-free: the class and basis are coin flips that would defeat branch prediction.
    return preparation.bit(v) | (int) (preparation.xBasisBit(v) << 1) | (preparation.intensity(v) << 2);
  }

  /**
   * Pulses of class {@code k} in this frame, as Alice's source logs them. The simulator gives the
   * expectation frameSlots * p_k: counting every slot would be per-pulse work, and the binomial
   * spread it omits (relative 1/sqrt(frameSlots p_k), below 1e-3 for default frames) is far
   * below the spread of the detection counts it divides.
   */
  public long pulses(Intensity k) {
    return Math.round(frameSlots * preparation.probability(k.ordinal()));
  }

  private long value(int slot) {
    if (slot < 0 || slot >= frameSlots) {
      throw new IllegalArgumentException("slot " + slot + " is outside frame of " + frameSlots + " slots");
    }
    return preparation.value(key, slot);
  }

  @Override
  public String toString() {
    return "Bb84AliceView[frame=" + frame + ", slots=" + frameSlots + "]";
  }
}
