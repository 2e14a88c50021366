package org.qkdnet.qnode.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.qkdnet.qnode.relay.RelayRecorder;

/**
 * Relays as metrics: at the origin a counter by destination, outcome and reason and an end-to-end
 * latency histogram; for every hop this station sends, a latency histogram by next station.
 * Tag values are station ids and the fixed reason codes of {@code RelayOutcome}: bounded.
 */
public final class RelayMetrics implements RelayRecorder {
  /** Histogram buckets: a relay takes milliseconds on a LAN, up to the relay timeout (10 s) when stuck. */
  static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
      Duration.ofSeconds(10)};

  private final MeterRegistry registry;

  public RelayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void relayEnded(String destination, String reason, long nanos) {
    String outcome = reason.isEmpty() ? "delivered" : "failed";
    Counter.builder("qnode.relays")
        .description("Relays this station originated, by destination, outcome and failure reason")
        .tags("destination", destination, "outcome", outcome, "reason", reason.isEmpty() ? "none" : reason)
        .register(registry).increment();
    Timer.builder("qnode.relay")
        .description("End-to-end relay latency at the origin (request to the destination's answer, retries included)")
        .tags("destination", destination, "outcome", outcome)
        .serviceLevelObjectives(BUCKETS)
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void hopAnswered(String nextStation, String reason, long nanos) {
    Timer.builder("qnode.relay.hop")
        .description("Latency of each hop this station sent, until the next station's answer"
            + " (which includes the rest of the path beyond it)")
        .tags("next", nextStation, "outcome", reason.isEmpty() ? "accepted" : "failed",
            "reason", reason.isEmpty() ? "none" : reason)
        .serviceLevelObjectives(BUCKETS)
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }
}
