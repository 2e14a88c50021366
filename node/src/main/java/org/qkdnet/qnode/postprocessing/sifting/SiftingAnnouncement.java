package org.qkdnet.qnode.postprocessing.sifting;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bob to Alice: the slots of a frame where he detected something, ascending, and the basis of
 * each ({@code xBasis} bit i set = detection i measured in X).
 */
public record SiftingAnnouncement(long frame, int[] slots, BitString xBasis) {
  public SiftingAnnouncement {
    Objects.requireNonNull(slots, "slots");
    Objects.requireNonNull(xBasis, "xBasis");
    if (frame < 0) {
      throw new IllegalArgumentException("frame must be >= 0, got " + frame);
    }
    if (xBasis.length() != slots.length) {
      throw new IllegalArgumentException("announcement has " + slots.length + " slots but "
          + xBasis.length() + " bases");
    }
    slots = slots.clone();
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] < 0 || (i > 0 && slots[i] <= slots[i - 1])) {
        throw new IllegalArgumentException("announced slots must be >= 0 and strictly ascending; slot "
            + slots[i] + " at index " + i + " is not");
      }
    }
  }

  @Override
  public int[] slots() {
    return slots.clone();
  }

  public int size() {
    return slots.length;
  }

  public int slot(int i) {
    return slots[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SiftingAnnouncement a && a.frame == frame && Arrays.equals(a.slots, slots)
        && a.xBasis.equals(xBasis);
  }

  @Override
  public int hashCode() {
    return Objects.hash(frame, Arrays.hashCode(slots), xBasis);
  }

  @Override
  public String toString() {
    return "SiftingAnnouncement[frame=" + frame + ", detections=" + slots.length + "]";
  }
}
