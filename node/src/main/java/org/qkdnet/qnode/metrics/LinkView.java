package org.qkdnet.qnode.metrics;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.qkdnet.qnode.link.bb84.LinkStats;

/**
 * Read-only view of one link end, as the metrics read it: pool sizes and rate, plus the
 * post-processing figures of a bb84-sim link ({@code postProcessing} is null for a device that
 * delivers finished key, which has no sifting, QBER or Cascade of its own).
 *
 * @param link the topology's name of the link, {@code A-B} in topology order (the same at both ends)
 * @param peer the station at the other end
 * @param sendPool bytes of pad this station can send toward the peer
 * @param receivePool bytes of pad the peer can send toward this station
 * @param unassigned bytes of link key not yet assigned to either direction
 * @param secureBps the link's secure key rate: measured for bb84-sim, the device's rate otherwise
 * @param keyUse bytes per second of the link's key consumed in both directions plus what callers
 *     asked for and did not get (a moving average; {@link org.qkdnet.qnode.link.KeyDemand}), or null
 * @param shortOfKey whether what the link holds would not last at that rate (its post-processing
 *     then runs on the urgent tier), or null; given with {@code keyUse}
 */
public record LinkView(String link, String peer, LongSupplier sendPool, LongSupplier receivePool,
    LongSupplier unassigned, DoubleSupplier secureBps, Supplier<LinkStats.Snapshot> postProcessing,
    DoubleSupplier keyUse, BooleanSupplier shortOfKey) {
  public LinkView {
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(sendPool, "sendPool");
    Objects.requireNonNull(receivePool, "receivePool");
    Objects.requireNonNull(unassigned, "unassigned");
    Objects.requireNonNull(secureBps, "secureBps");
    if ((keyUse == null) != (shortOfKey == null)) {
      throw new IllegalArgumentException("keyUse and shortOfKey come together");
    }
  }

  /** A view without the link's demand figures. */
  public LinkView(String link, String peer, LongSupplier sendPool, LongSupplier receivePool,
      LongSupplier unassigned, DoubleSupplier secureBps, Supplier<LinkStats.Snapshot> postProcessing) {
    this(link, peer, sendPool, receivePool, unassigned, secureBps, postProcessing, null, null);
  }

  public boolean hasDemand() {
    return keyUse != null;
  }

  public boolean hasPostProcessing() {
    return postProcessing != null;
  }
}
