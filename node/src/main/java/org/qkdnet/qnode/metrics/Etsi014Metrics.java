package org.qkdnet.qnode.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.qkdnet.qnode.kme.etsi014.Etsi014Recorder;

/** ETSI GS QKD 014 requests as metrics: a counter by endpoint and HTTP status, latency by endpoint. */
public final class Etsi014Metrics implements Etsi014Recorder {
  private final MeterRegistry registry;

  public Etsi014Metrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void answered(String endpoint, int status, long nanos) {
    Counter.builder("qnode.etsi014.requests")
        .description("ETSI 014 requests answered, by endpoint and HTTP status")
        .tags("endpoint", endpoint, "status", Integer.toString(status))
        .register(registry).increment();
    Timer.builder("qnode.etsi014.request")
        .description("ETSI 014 request latency (request received to answer written), by endpoint")
        .tags("endpoint", endpoint)
        .serviceLevelObjectives(RelayMetrics.BUCKETS)
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }
}
