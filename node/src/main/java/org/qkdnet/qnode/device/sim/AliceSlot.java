package org.qkdnet.qnode.device.sim;

import java.util.Objects;

/** What Alice prepared in one slot. {@link #toString} hides the bit: it may become key. */
public record AliceSlot(Basis basis, int bit, Intensity intensity) {
  public AliceSlot {
    Objects.requireNonNull(basis, "basis");
    Objects.requireNonNull(intensity, "intensity");
    if (bit != 0 && bit != 1) {
      throw new IllegalArgumentException("bit must be 0 or 1");
    }
  }

  @Override
  public String toString() {
    return "AliceSlot[basis=" + basis + ", intensity=" + intensity + ", bit=<hidden>]";
  }
}
