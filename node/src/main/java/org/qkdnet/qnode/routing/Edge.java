package org.qkdnet.qnode.routing;

import java.util.Objects;

/** An undirected fiber link between stations {@code a} and {@code b}, weighted by its length. */
public record Edge(String a, String b, double km) {
  public Edge {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.equals(b)) {
      throw new IllegalArgumentException("edge from station " + a + " to itself");
    }
    if (!(km > 0.0) || Double.isInfinite(km)) {
      throw new IllegalArgumentException("edge " + a + "-" + b + ": km must be positive and finite, got " + km);
    }
  }

  public boolean connects(String x, String y) {
    return (a.equals(x) && b.equals(y)) || (a.equals(y) && b.equals(x));
  }

  /** The far end seen from {@code station}, which must be one of the two ends. */
  public String other(String station) {
    if (a.equals(station)) {
      return b;
    }
    if (b.equals(station)) {
      return a;
    }
    throw new IllegalArgumentException("edge " + a + "-" + b + " does not touch station " + station);
  }
}
