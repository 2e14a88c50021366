package org.qkdnet.qnode.postprocessing.estimation;

/**
 * What one frame shows about one intensity class.
 *
 * @param pulses pulses Alice sent in this class
 * @param matchedClicks sifted (matching-basis) detections of this class
 * @param disclosed sifted bits of this class compared in the open
 * @param errors disclosed bits that differ between the two ends
 */
public record ClassCounts(long pulses, long matchedClicks, long disclosed, long errors) {
  public ClassCounts {
    if (pulses < 0 || matchedClicks < 0 || disclosed < 0 || errors < 0) {
      throw new IllegalArgumentException("counts must be >= 0: " + this);
    }
    if (matchedClicks > pulses) {
      throw new IllegalArgumentException("more clicks (" + matchedClicks + ") than pulses (" + pulses + ")");
    }
    if (disclosed > matchedClicks) {
      throw new IllegalArgumentException("more disclosed bits (" + disclosed + ") than clicks (" + matchedClicks + ")");
    }
    if (errors > disclosed) {
      throw new IllegalArgumentException("more errors (" + errors + ") than disclosed bits (" + disclosed + ")");
    }
  }

  /** Sums of two frames' counts (estimation over several frames). */
  public ClassCounts plus(ClassCounts o) {
    return new ClassCounts(pulses + o.pulses, matchedClicks + o.matchedClicks, disclosed + o.disclosed,
        errors + o.errors);
  }
}
