package org.qkdnet.qnode.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import org.qkdnet.qnode.link.bb84.LinkStats;

/**
 * Gauges over one link end ({@link LinkView}), read at each scrape. A figure that cannot be read
 * (the store failed or closed) shows as NaN rather than failing the page. Micrometer holds a
 * gauge's or function counter's object weakly by default: gauges here are strong, and the caller
 * keeps {@code v} reachable for the function counters ({@link StationMetrics} does).
 */
public final class LinkMetrics {
  private LinkMetrics() {}

  public static void bind(MeterRegistry registry, LinkView v) {
    Tags tags = Tags.of("link", v.link(), "peer", v.peer());
    pool(registry, v, tags, "send", () -> v.sendPool().getAsLong());
    pool(registry, v, tags, "receive", () -> v.receivePool().getAsLong());
    pool(registry, v, tags, "unassigned", () -> v.unassigned().getAsLong());
    Gauge.builder("qnode.link.secure.bits.per.second", v, x -> safe(x.secureBps()))
        .description("Secure key rate of the link: measured (bb84-sim) or the device's rate (finished-key-sim)")
        .tags(tags).strongReference(true).register(registry);
    if (v.hasDemand()) {
      Gauge.builder("qnode.link.key.use", v, x -> safe(x.keyUse()))
          .description("Key of the link consumed in both directions plus what callers asked for and did not get,"
              + " per second (moving average over about 5 s)")
          .baseUnit("bytes.per.second").tags(tags).strongReference(true).register(registry);
      Gauge.builder("qnode.link.short.of.key", v, x -> safe(() -> x.shortOfKey().getAsBoolean() ? 1 : 0))
          .description("1 while what the link holds would last less than 10 s at its rate of use: its"
              + " post-processing then runs on the urgent tier, ahead of the background one")
          .tags(tags).strongReference(true).register(registry);
    }
    if (!v.hasPostProcessing()) {
      return; // finished-key devices: no sifting, QBER, Cascade or dropped frames at the station
    }
    stat(registry, v, tags, "qnode.link.sifted.bits.per.second", "Sifted key (Z basis) rate of the link",
        LinkStats.Snapshot::siftedBps);
    stat(registry, v, tags, "qnode.link.qber", "Mean QBER of the frames that reached the pool",
        s -> s.framesDone() == 0 ? Double.NaN : s.qberMean());
    stat(registry, v, tags, "qnode.link.cascade.efficiency",
        "Mean Cascade efficiency f (leaked bits over the Shannon limit); NaN at the end that does not"
            + " reconcile (Alice, the lower station id)",
        LinkStats.Snapshot::efficiencyMean);
    FunctionCounter.builder("qnode.link.frames.dropped", v, x -> snapshot(x, s -> s.framesDropped()))
        .description("Frames dropped before reaching the pool (QBER too high, verification failed, ...)")
        .tags(tags).register(registry);
    FunctionCounter.builder("qnode.link.frames.done", v, x -> snapshot(x, s -> s.framesDone()))
        .description("Frames whose key reached the pool")
        .tags(tags).register(registry);
  }

  private static void pool(MeterRegistry registry, LinkView v, Tags tags, String direction, DoubleSupplier bytes) {
    Gauge.builder("qnode.link.pool", bytes, LinkMetrics::safe)
        .description("Unused key of the link by direction: send (toward the peer), receive, unassigned")
        .baseUnit("bytes")
        .tags(tags.and("direction", direction))
        .strongReference(true).register(registry);
  }

  private static void stat(MeterRegistry registry, LinkView v, Tags tags, String name, String help,
      ToDoubleFunction<LinkStats.Snapshot> f) {
    Gauge.builder(name, v, x -> snapshot(x, f)).description(help).tags(tags).strongReference(true).register(registry);
  }

  private static double snapshot(LinkView v, ToDoubleFunction<LinkStats.Snapshot> f) {
    try {
      return f.applyAsDouble(v.postProcessing().get());
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double safe(DoubleSupplier s) {
    try {
      return s.getAsDouble();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double safe(LinkView v) {
    return safe(v.secureBps());
  }
}
