package org.qkdnet.qnode.postprocessing.estimation;

import org.qkdnet.qnode.device.sim.Intensity;

/** One count per intensity class (signal mu1, weak decoy mu2, vacuum mu3 = 0). */
public record PerClass(long signal, long decoy, long vacuum) {
  public static final PerClass ZERO = new PerClass(0, 0, 0);

  public PerClass {
    if (signal < 0 || decoy < 0 || vacuum < 0) {
      throw new IllegalArgumentException("counts must be >= 0, got " + signal + "/" + decoy + "/" + vacuum);
    }
  }

  public long get(Intensity k) {
    return switch (k) {
      case SIGNAL -> signal;
      case DECOY -> decoy;
      case VACUUM -> vacuum;
    };
  }

  public long total() {
    return Math.addExact(Math.addExact(signal, decoy), vacuum);
  }

  public PerClass plus(PerClass o) {
    return new PerClass(Math.addExact(signal, o.signal), Math.addExact(decoy, o.decoy),
        Math.addExact(vacuum, o.vacuum));
  }

  /** Whether every count is at most the matching one of {@code o}. */
  public boolean within(PerClass o) {
    return signal <= o.signal && decoy <= o.decoy && vacuum <= o.vacuum;
  }

  /** Counts of a vector {@code [signal, decoy, vacuum]} indexed by {@link Intensity#ordinal()}. */
  public static PerClass of(long[] byOrdinal) {
    if (byOrdinal.length != 3) {
      throw new IllegalArgumentException("need 3 counts, got " + byOrdinal.length);
    }
    return new PerClass(byOrdinal[0], byOrdinal[1], byOrdinal[2]);
  }
}
