package org.qkdnet.qnode.routing;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * This station's own, local suspicion of stations and links that just failed it (a relay hop
 * timed out, a peer refused): they are left out of routes for a short quarantine, so the next
 * relay does not walk into the same failure while cluster membership and published reports
 * catch up. Local on purpose: one station's bad experience is not gossiped, so it cannot take a
 * healthy station out of everybody's routes.
 *
 * <p>Deadlines are read from a monotonic nanosecond ticker (like {@link System#nanoTime}), never
 * the wall clock, so a clock step cannot end or prolong a quarantine; they are compared by
 * difference, so a ticker that wraps around is fine. Thread-safe: relays suspect and route
 * concurrently. Expired entries are dropped when next looked at.
 */
public final class Suspicion {
  private final long quarantineNanos;
  private final LongSupplier ticker;
  private final ConcurrentHashMap<String, Long> stations = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<LinkKey, Long> links = new ConcurrentHashMap<>();

  /** With {@link System#nanoTime} as the ticker. */
  public Suspicion(Duration quarantine) {
    this(quarantine, System::nanoTime);
  }

  /**
   * @param quarantine how long a suspicion lasts after its latest report; must be positive
   * @param nanoTicker monotonic nanoseconds; tests pass a fake one
   */
  public Suspicion(Duration quarantine, LongSupplier nanoTicker) {
    Objects.requireNonNull(quarantine, "quarantine");
    this.ticker = Objects.requireNonNull(nanoTicker, "nanoTicker");
    if (quarantine.isNegative() || quarantine.isZero()) {
      throw new IllegalArgumentException("quarantine must be positive, got " + quarantine);
    }
    // Half the ticker's range at most, so that deadline comparisons by difference stay valid.
    if (quarantine.compareTo(Duration.ofNanos(Long.MAX_VALUE / 2)) > 0) {
      throw new IllegalArgumentException("quarantine too long: " + quarantine);
    }
    this.quarantineNanos = quarantine.toNanos();
  }

  /** Suspects {@code station} for one quarantine from now; a repeated suspicion extends it. */
  public void suspectStation(String station) {
    Objects.requireNonNull(station, "station");
    stations.merge(station, ticker.getAsLong() + quarantineNanos, Suspicion::later);
  }

  /** Suspects the link between {@code a} and {@code b}, either direction. */
  public void suspectLink(String a, String b) {
    links.merge(LinkKey.of(a, b), ticker.getAsLong() + quarantineNanos, Suspicion::later);
  }

  /** Ends a suspicion early, e.g. once the station answered again. */
  public void clearStation(String station) {
    stations.remove(Objects.requireNonNull(station, "station"));
  }

  public void clearLink(String a, String b) {
    links.remove(LinkKey.of(a, b));
  }

  public boolean isStationSuspect(String station) {
    return live(stations, Objects.requireNonNull(station, "station"), ticker.getAsLong());
  }

  public boolean isLinkSuspect(String a, String b) {
    return live(links, LinkKey.of(a, b), ticker.getAsLong());
  }

  /** What is suspected now and for how much longer; sorted, for operators. */
  public Snapshot snapshot() {
    long now = ticker.getAsLong();
    return new Snapshot(remaining(stations, now), remaining(links, now));
  }

  /**
   * The suspicions in force at one instant.
   *
   * @param stations suspected stations and the quarantine left for each, by id
   * @param links suspected links and the quarantine left for each
   */
  public record Snapshot(Map<String, Duration> stations, Map<LinkKey, Duration> links) {
    public Snapshot {
      stations = Collections.unmodifiableMap(new TreeMap<>(stations));
      links = Collections.unmodifiableMap(new TreeMap<>(links));
    }

    public boolean isEmpty() {
      return stations.isEmpty() && links.isEmpty();
    }
  }

  private static <K> boolean live(ConcurrentHashMap<K, Long> map, K key, long now) {
    Long deadline = map.get(key);
    if (deadline == null) {
      return false;
    }
    if (deadline - now > 0) {
      return true;
    }
    // Only this deadline: a concurrent re-suspicion put a later one that must stay.
    map.remove(key, deadline);
    return false;
  }

  private static <K extends Comparable<K>> Map<K, Duration> remaining(ConcurrentHashMap<K, Long> map, long now) {
    Map<K, Duration> left = new TreeMap<>();
    map.forEach((key, deadline) -> {
      long nanos = deadline - now;
      if (nanos > 0) {
        left.put(key, Duration.ofNanos(nanos));
      } else {
        map.remove(key, deadline);
      }
    });
    return left;
  }

  /** The later of two deadlines on a ticker that may wrap around. */
  private static Long later(Long x, Long y) {
    return y - x > 0 ? y : x;
  }
}
