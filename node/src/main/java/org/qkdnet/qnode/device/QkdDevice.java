package org.qkdnet.qnode.device;

import org.qkdnet.qnode.crypto.KeyMaterial;

/**
 * The seam to the QKD hardware of one end of one fiber link.
 *
 * <p>A device of the "finished key" kind (vendor boxes, and the default simulator) hands out
 * key frames that its twin at the other end of the fiber hands out identically under the same
 * frame id. The node never looks at the other end's device: the two ends agree on which frame
 * comes next over the authenticated classical channel ({@code LinkService.AnnounceFrame}).
 */
public interface QkdDevice extends AutoCloseable {

  /** The link this device serves. */
  LinkEnds link();

  /** Secure key rate this device pair delivers, in bits per second (for pacing and reports). */
  double secureBitsPerSecond();

  /**
   * Frame {@code frameId} of {@code bytes} bytes, identical at both ends of the link.
   *
   * @throws IllegalArgumentException if bytes is not positive
   */
  KeyMaterial frame(long frameId, int bytes);

  @Override
  default void close() {}

  /** The two station ids of a fiber link, in canonical order (lo &lt; hi by {@code compareTo}). */
  record LinkEnds(String lo, String hi, double km) {
    public LinkEnds {
      if (lo.compareTo(hi) >= 0) {
        throw new IllegalArgumentException("link ends must be ordered and distinct: " + lo + ", " + hi);
      }
    }

    public static LinkEnds of(String a, String b, double km) {
      return a.compareTo(b) < 0 ? new LinkEnds(a, b, km) : new LinkEnds(b, a, km);
    }

    public String peerOf(String self) {
      if (self.equals(lo)) {
        return hi;
      }
      if (self.equals(hi)) {
        return lo;
      }
      throw new IllegalArgumentException(self + " is not an end of link " + this);
    }

    /** Alice drives the frame counter of the link: the end with the lower id. */
    public boolean isAlice(String self) {
      return self.equals(lo);
    }

    @Override
    public String toString() {
      return lo + "-" + hi;
    }
  }
}
