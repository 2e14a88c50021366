package org.qkdnet.qnode.link;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a station's post-processing is urgent: some of its links are short of key ({@link
 * DirectionSupply#shortOfKey}). Post-processing runs on two tiers of threads ({@link
 * TieredExecutor}): normally on the background tier (nice 19 under {@code bin/qnode}), which
 * yields the CPU to relays and ETSI 014 requests at once; while a link is short, on the urgent
 * tier (nice 3), which shares the CPU with them. Relays come first while they have key, and key
 * production is not starved when relays have run a link dry (a fixed nice 19 was: docs/performance.md).
 *
 * <p>Each station registers its links' supplies when it starts; Pekko's post-processing dispatcher
 * of that station looks the station up by id ({@link #urgent(String)}). A station not registered
 * (or a link without supply) counts as urgent: unknown means the priority of before.
 */
public final class PostProcessingUrgency {
  private static final Map<String, PostProcessingUrgency> STATIONS = new ConcurrentHashMap<>();

  private final Map<String, DirectionSupply> supplies;

  private PostProcessingUrgency(Map<String, DirectionSupply> supplies) {
    this.supplies = Map.copyOf(supplies);
  }

  /**
   * Registers the supplies of {@code station}'s links (replacing an earlier station of that id),
   * and makes each link keep a reserve for the use of the station's busiest other link: if that
   * link, or a station behind it, fails, its relays move onto the others at once (N-1: any one
   * failure is covered, not several).
   */
  public static PostProcessingUrgency register(String station, Map<String, DirectionSupply> supplies) {
    PostProcessingUrgency u = new PostProcessingUrgency(supplies);
    for (Map.Entry<String, DirectionSupply> e : u.supplies.entrySet()) {
      String peer = e.getKey();
      e.getValue().reserveFor(() -> u.busiestUseBesides(peer));
    }
    STATIONS.put(station, u);
    return u;
  }

  /** The rate of use of the busiest link other than the one to {@code peer}, in B/s. */
  double busiestUseBesides(String peer) {
    double max = 0;
    for (Map.Entry<String, DirectionSupply> e : supplies.entrySet()) {
      if (!e.getKey().equals(peer)) {
        max = Math.max(max, e.getValue().keyUseBytesPerSecond());
      }
    }
    return max;
  }

  /** Forgets the station if this registration is still its current one. */
  public void unregister(String station) {
    STATIONS.remove(station, this);
  }

  /** Whether any link of {@code station} is short of key; true when it is not registered. */
  public static boolean urgent(String station) {
    PostProcessingUrgency u = STATIONS.get(station);
    return u == null || u.anyShort();
  }

  private boolean anyShort() {
    for (DirectionSupply s : supplies.values()) {
      if (s.shortOfKey()) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code station}'s link to {@code peer} is short of key; true when either is unknown. */
  public static boolean linkShort(String station, String peer) {
    PostProcessingUrgency u = STATIONS.get(station);
    DirectionSupply s = u == null || peer == null ? null : u.supplies.get(peer);
    return s == null || s.shortOfKey();
  }
}
