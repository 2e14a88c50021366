package org.qkdnet.qnode.config;

import java.util.Objects;

/** One fiber link between stations {@code a} and {@code b}; undirected, {@code km} of fiber. */
public record LinkSpec(String a, String b, double km) {
  /** The longest fiber one QKD link can bridge with a useful key rate (DESIGN.md section 1). */
  public static final double MAX_KM = 100.0;

  public LinkSpec {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
  }

  /** True if this link joins {@code x} and {@code y}, in either direction. */
  public boolean connects(String x, String y) {
    return (a.equals(x) && b.equals(y)) || (a.equals(y) && b.equals(x));
  }

  public boolean touches(String station) {
    return a.equals(station) || b.equals(station);
  }

  /** The far end as seen from {@code station}, which must be one of the two ends. */
  public String other(String station) {
    if (a.equals(station)) {
      return b;
    }
    if (b.equals(station)) {
      return a;
    }
    throw new IllegalArgumentException("link " + a + "-" + b + " does not touch station " + station);
  }
}
