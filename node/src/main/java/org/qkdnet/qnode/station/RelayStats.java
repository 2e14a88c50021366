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
  private final AtomicReference<List<String>> lastRoute = new AtomicReference<>(List.of());

  void recordDelivered(List<String> path, long nanos) {
    delivered.incrementAndGet();
    lastRoute.set(List.copyOf(path));
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

  public List<String> lastRoute() {
    return lastRoute.get();
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
