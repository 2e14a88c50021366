package org.qkdnet.qnode.routing;

/**
 * How the origin chooses routes.
 *
 * @param maxHops most links a relay path may cross; each hop is one more station that must be
 *     trusted and one more chance to fail, so long detours are refused rather than taken
 * @param reserveBytes key a link direction should keep after a relay; a preference, not a limit:
 *     routes that would draw a link below it are taken only when no other route exists
 */
public record RoutingPolicy(int maxHops, long reserveBytes) {
  public RoutingPolicy {
    if (maxHops < 1) {
      throw new IllegalArgumentException("maxHops must be at least 1, got " + maxHops);
    }
    if (reserveBytes < 0) {
      throw new IllegalArgumentException("reserveBytes must not be negative, got " + reserveBytes);
    }
  }

  /** The same hop cap without a reserve. */
  public static RoutingPolicy noReserve(RoutingPolicy p) {
    return new RoutingPolicy(p.maxHops(), 0);
  }
}
