package org.qkdnet.qnode.routing;

import java.util.Objects;

/**
 * What one end of a link publishes about it, cluster-wide (Distributed Data). Figures only, never
 * key material: byte counts are coarse (rounded down by the publisher), so a report changes only
 * when a level changes noticeably.
 *
 * @param station the publishing end
 * @param peer the other end
 * @param status the publisher's view of the link
 * @param sendBytes unused key assigned to direction station -> peer (the publisher's send pool)
 * @param receiveBytes unused key assigned to direction peer -> station (the publisher's receive pool)
 * @param unassignedBytes fresh key not yet assigned to a direction (either may take it on demand)
 * @param secureBitsPerSecond the link's recent secure key rate; 0 when unknown
 * @param qber the link's recent quantum bit error rate in [0, 1]; NaN when not measured
 */
public record LinkReport(
    String station,
    String peer,
    LinkStatus status,
    long sendBytes,
    long receiveBytes,
    long unassignedBytes,
    double secureBitsPerSecond,
    double qber) {

  public LinkReport {
    Objects.requireNonNull(station, "station");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(status, "status");
    if (sendBytes < 0 || receiveBytes < 0 || unassignedBytes < 0) {
      throw new IllegalArgumentException("byte counts must not be negative");
    }
  }

  /** Bytes the publisher could send to its peer now or after a direction assignment. */
  public long sendCapacity() {
    return sendBytes + unassignedBytes;
  }

  /** Bytes the publisher could receive from its peer now or after a direction assignment. */
  public long receiveCapacity() {
    return receiveBytes + unassignedBytes;
  }
}
