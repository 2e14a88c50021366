package org.qkdnet.qnode.cluster;

import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This station's current view of which stations are up and reachable in the cluster. Written by
 * {@link ClusterMembership}, read by routing on every relay: an immutable snapshot, swapped whole.
 */
public final class LiveStations {
  private final AtomicReference<Set<String>> live = new AtomicReference<>(Set.of());

  public Set<String> snapshot() {
    return live.get();
  }

  public boolean isLive(String stationId) {
    return live.get().contains(stationId);
  }

  void set(Set<String> stations) {
    live.set(Set.copyOf(stations));
  }
}
