package org.qkdnet.qnode.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.qkdnet.qnode.keystore.SyncRecorder;

/** The key store's durability as metrics: writers' waits for the disk, and each fsync. */
public final class StoreMetrics implements SyncRecorder {
  private static final Duration[] BUCKETS = {
      Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
      Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1)};

  private final Timer wait;
  private final Timer fsync;

  public StoreMetrics(MeterRegistry registry) {
    wait = Timer.builder("qnode.store.sync.wait")
        .description("How long a key-store writer waited until its writes were on disk (group commit included)")
        .serviceLevelObjectives(BUCKETS).register(registry);
    fsync = Timer.builder("qnode.store.fsync")
        .description("Duration of one key-store WAL fsync (or synced write)")
        .serviceLevelObjectives(BUCKETS).register(registry);
  }

  @Override
  public void waited(long nanos) {
    wait.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void fsynced(long nanos) {
    fsync.record(nanos, TimeUnit.NANOSECONDS);
  }
}
