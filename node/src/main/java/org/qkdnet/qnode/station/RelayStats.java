package org.qkdnet.qnode.station;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/** Origin-side relay figures of one station: latency histogram, outcomes, last route. */
public final class RelayStats {
  private final Histogram latencyMicros = new Histogram(3_600_000_000L, 3);
  private final AtomicLong delivered = new AtomicLong();
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
  private final AtomicReference<List<List<String>>> lastRoutes = new AtomicReference<>(List.of(List.of()));
  private final Map<List<String>, AtomicLong> routeUses = new ConcurrentHashMap<>();

  /** A delivered relay: the routes of its shares (one for a single path), its latency. */
  void recordDelivered(List<List<String>> routes, long nanos) {
    delivered.incrementAndGet();
    lastRoutes.set(routes.stream().map(List::copyOf).toList());
    routes.forEach(r -> routeUses.computeIfAbsent(List.copyOf(r), x -> new AtomicLong()).incrementAndGet());
    synchronized (latencyMicros) {
      latencyMicros.recordValue(Math.max(1, nanos / 1000));
    }
  }

  void recordFailed(String reason) {
    failures.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
  }

  public long delivered() {
    return delivered.get();
  }

  public Map<String, Long> failures() {
    Map<String, Long> out = new java.util.TreeMap<>();
    failures.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** The primary route of the last delivered relay. */
  public List<String> lastRoute() {
    return lastRoutes.get().get(0);
  }

  /** The routes of the last delivered relay: one per share (node-disjoint for multipath). */
  public List<List<String>> lastRoutes() {
    return lastRoutes.get();
  }

  /** How many delivered relays (or shares) took each route. */
  public Map<List<String>, Long> routeUses() {
    Map<List<String>, Long> out = new java.util.LinkedHashMap<>();
    routeUses.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Latency percentile in milliseconds, or NaN when nothing was recorded. */
  public double latencyMillis(double percentile) {
    synchronized (latencyMicros) {
      if (latencyMicros.getTotalCount() == 0) {
        return Double.NaN;
      }
      return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
  }

}
