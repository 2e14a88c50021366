package org.qkdnet.qnode.metrics;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.qkdnet.qnode.keystore.SyncRecorder;
import org.qkdnet.qnode.kme.etsi014.Etsi014Recorder;
import org.qkdnet.qnode.relay.RelayRecorder;

/**
 * One station's metrics: its own Prometheus registry (never the global one: several stations may
 * share a JVM), tagged {@code station}, with the JVM basics, the recorders the station's parts
 * report to, gauges bound to read-only views, and the HTTP endpoint once {@link #serve} is called.
 * Figures only: nothing here ever sees key material.
 */
public final class StationMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final RelayMetrics relays;
  private final Etsi014Metrics etsi014;
  private final StoreMetrics store;
  private final java.util.concurrent.atomic.AtomicReference<MetricsServer> server =
      new java.util.concurrent.atomic.AtomicReference<>();
  /** The bound views: function counters hold their object weakly, these keep them reachable. */
  private final java.util.List<Object> bound = new java.util.concurrent.CopyOnWriteArrayList<>();

  private StationMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
    this.registry = registry;
    this.gc = gc;
    this.relays = new RelayMetrics(registry);
    this.etsi014 = new Etsi014Metrics(registry);
    this.store = new StoreMetrics(registry);
  }

  public static StationMetrics create(String stationId) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("station", stationId);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return new StationMetrics(registry, gc);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public RelayRecorder relays() {
    return relays;
  }

  public Etsi014Recorder etsi014() {
    return etsi014;
  }

  public SyncRecorder store() {
    return store;
  }

  public void bindLink(LinkView link) {
    bound.add(link);
    LinkMetrics.bind(registry, link);
  }

  public void bindCluster(Supplier<Map<String, Integer>> counts) {
    bound.add(counts);
    ClusterMetrics.bind(registry, counts);
  }

  /** The Prometheus text page. */
  public String scrape() {
    return registry.scrape();
  }

  /** Serves {@link #scrape()} at {@code http://host:port/metrics}; returns the bound port. */
  public int serve(String host, int port, String threadName) throws IOException {
    MetricsServer s = MetricsServer.start(host, port, this::scrape, threadName);
    MetricsServer before = server.getAndSet(s);
    if (before != null) {
      before.close();
    }
    return s.port();
  }

  /** {@code http://host:port/metrics} once served. */
  public Optional<String> url() {
    MetricsServer s = server.get();
    if (s == null) {
      return Optional.empty();
    }
    String host = s.host().contains(":") ? "[" + s.host() + "]" : s.host();
    return Optional.of("http://" + host + ":" + s.port() + "/metrics");
  }

  /** Stops the HTTP endpoint (first thing at shutdown: no scrape of a half-closed station). */
  public void closeServer() {
    MetricsServer s = server.getAndSet(null);
    if (s != null) {
      s.close();
    }
  }

  @Override
  public void close() {
    closeServer();
    gc.close();
    registry.close();
  }
}
