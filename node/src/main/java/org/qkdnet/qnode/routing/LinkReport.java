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
 * @param cascadeEfficiency this end's mean Cascade efficiency f (leaked bits over the Shannon
 *     limit, about 1.1); NaN when not measured: finished-key links, the end that does not reconcile
 *     (Alice), before the first reconciled frame. A report without it (a publisher older than the
 *     field: Jackson reads 0) reads as NaN too
 * @param framesDropped frames this end dropped before their key reached the pool, since it started
 *     (coarse, rounded down by the publisher); 0 for finished-key links
 * @param lastFrameMillis wall-clock time (epoch ms, coarse: rounded down by the publisher) this
 *     end last added key to its pool from a frame; 0 if it has not since it started
 * @param keyUseBytesPerSecond the link's recent rate of key use, both directions, plus what callers
 *     asked for and did not get (coarse; 0 when unused or unknown, and from a publisher older than
 *     the field)
 * @param shortOfKey whether this end finds the link short of key: what it holds would not last 10
 *     s of its use plus the reserve for its station's busiest other link, so its post-processing
 *     runs on the urgent tier (docs/key-supply.md, section 5); false from an older publisher
 */
public record LinkReport(
    String station,
    String peer,
    LinkStatus status,
    long sendBytes,
    long receiveBytes,
    long unassignedBytes,
    double secureBitsPerSecond,
    double qber,
    double cascadeEfficiency,
    long framesDropped,
    long lastFrameMillis,
    double keyUseBytesPerSecond,
    boolean shortOfKey) {

  public LinkReport {
    Objects.requireNonNull(station, "station");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(status, "status");
    if (sendBytes < 0 || receiveBytes < 0 || unassignedBytes < 0) {
      throw new IllegalArgumentException("byte counts must not be negative");
    }
    if (framesDropped < 0 || lastFrameMillis < 0) {
      throw new IllegalArgumentException("frames dropped and last frame time must not be negative");
    }
    if (!(keyUseBytesPerSecond >= 0) || Double.isInfinite(keyUseBytesPerSecond)) {
      keyUseBytesPerSecond = 0; // unknown
    }
    if (!(cascadeEfficiency > 0)) {
      cascadeEfficiency = Double.NaN; // f is about 1 or more when measured
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
