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

  /** Since the last {@link #intervalSummary}: per destination, delivered per route and failed. */
  private final Map<String, Map<String, Long>> intervalRoutes = new java.util.TreeMap<>();
  private final Map<String, Long> intervalFailed = new java.util.TreeMap<>();

  /** A delivered relay: the routes of its shares (one for a single path), its latency. */
  void recordDelivered(List<List<String>> routes, long nanos) {
    synchronized (intervalRoutes) {
      String destination = routes.get(0).get(routes.get(0).size() - 1);
      Map<String, Long> m = intervalRoutes.computeIfAbsent(destination, d -> new java.util.TreeMap<>());
      m.merge("", 1L, Long::sum); // the relays themselves; each route below counts its shares
      for (List<String> r : routes) {
        m.merge(String.join(">", r), 1L, Long::sum);
      }
    }
    delivered.incrementAndGet();
    lastRoutes.set(routes.stream().map(List::copyOf).toList());
    routes.forEach(r -> routeUses.computeIfAbsent(List.copyOf(r), x -> new AtomicLong()).incrementAndGet());
    synchronized (latencyMicros) {
      latencyMicros.recordValue(Math.max(1, nanos / 1000));
    }
  }

  void recordFailed(String destination, String reason) {
    synchronized (intervalRoutes) {
      intervalFailed.merge(destination + " " + reason, 1L, Long::sum);
    }
    recordFailed(reason);
  }

  /**
   * One line per destination relayed to since the last call (for the station log, so operators
   * see where keys go), e.g. {@code relays to CHA in the last 10 s: 523 delivered over
   * ALP>BRA>CHA 300, ALP>DEL>CHA 223; failed: UNREACHABLE 2} (a multipath key counts once, each
   * of its routes once per share); then starts a new interval.
   */
  List<String> intervalSummary(String interval) {
    synchronized (intervalRoutes) {
      java.util.Set<String> destinations = new java.util.TreeSet<>(intervalRoutes.keySet());
      intervalFailed.keySet().forEach(k -> destinations.add(k.substring(0, k.indexOf(' '))));
      List<String> lines = new java.util.ArrayList<>();
      for (String d : destinations) {
        Map<String, Long> routes = intervalRoutes.getOrDefault(d, Map.of());
        StringBuilder b = new StringBuilder("relays to ").append(d).append(" in the last ").append(interval)
            .append(": ").append(routes.getOrDefault("", 0L)).append(" delivered");
        List<String> used = routes.entrySet().stream().filter(e -> !e.getKey().isEmpty())
            .map(e -> e.getKey() + " " + e.getValue()).toList();
        if (!used.isEmpty()) {
          b.append(" over ").append(String.join(", ", used));
        }
        List<String> failed = intervalFailed.entrySet().stream().filter(e -> e.getKey().startsWith(d + " "))
            .map(e -> e.getKey().substring(d.length() + 1) + " " + e.getValue()).toList();
        if (!failed.isEmpty()) {
          b.append("; failed: ").append(String.join(", ", failed));
        }
        lines.add(b.toString());
      }
      intervalRoutes.clear();
      intervalFailed.clear();
      return lines;
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
