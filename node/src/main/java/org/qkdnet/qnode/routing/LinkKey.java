package org.qkdnet.qnode.routing;

import java.util.Objects;

/**
 * An undirected link named by its two stations, smaller id first, so that {@code LinkKey.of("B", "A")}
 * equals {@code LinkKey.of("A", "B")}. Used where a link must be recognised whichever way round it
 * is named (suspicion, avoided links, explanations); {@link Edge} compares its ends in order and
 * carries a length, so it is not a good set element for that.
 */
public record LinkKey(String a, String b) implements Comparable<LinkKey> {
  public LinkKey {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.equals(b)) {
      throw new IllegalArgumentException("link from station " + a + " to itself");
    }
    if (a.compareTo(b) > 0) {
      String t = a;
      a = b;
      b = t;
    }
  }

  public static LinkKey of(String x, String y) {
    return new LinkKey(x, y);
  }

  public static LinkKey of(Edge edge) {
    return new LinkKey(edge.a(), edge.b());
  }

  public boolean touches(String station) {
    return a.equals(station) || b.equals(station);
  }

  @Override
  public int compareTo(LinkKey o) {
    int c = a.compareTo(o.a);
    return c != 0 ? c : b.compareTo(o.b);
  }

  @Override
  public String toString() {
    return a + "-" + b;
  }
}
