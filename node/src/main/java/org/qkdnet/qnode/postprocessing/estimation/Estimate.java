package org.qkdnet.qnode.postprocessing.estimation;

import java.util.Objects;
import java.util.Optional;

/**
 * What one frame's disclosed bits show before Cascade: its counts (they join the block's
 * parameter estimation), the QBER Cascade is sized for, and whether the frame goes on. The
 * secure length is not a per-frame figure: it is set by {@link FiniteKeyBound} over the block.
 *
 * @param counts the frame's counts per basis and class
 * @param qber error rate of the frame's X-basis signal bits
 * @param dropReason why the frame must be dropped; empty if it may go on
 */
public record Estimate(long frame, BlockCounts counts, double qber, Optional<String> dropReason) {
  public Estimate {
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(dropReason, "dropReason");
  }

  public boolean accepted() {
    return dropReason.isEmpty();
  }

  public long keyBits() {
    return counts.keyBits();
  }
}
