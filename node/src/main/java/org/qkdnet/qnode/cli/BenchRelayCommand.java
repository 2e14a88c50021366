package org.qkdnet.qnode.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.qkdnet.qnode.config.ConfigException;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.config.DeviceSettings;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.relay.RelayEngine;
import org.qkdnet.qnode.routing.PathFinder;
import org.qkdnet.qnode.station.Station;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qnode bench relay}: relays over a whole in-process network on loopback (durable
 * reservations, MAC, gRPC with mutual TLS per hop), measured at the origin without the HTTP layer.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
    description = "Relay latency and throughput between two stations of an in-process network.")
public final class BenchRelayCommand implements Callable<Integer> {
  @Option(names = "--topology", defaultValue = "local", description = "hubei, local or a file. Default: ${DEFAULT-VALUE}.")
  String topology;

  @Option(names = "--from", description = "Origin station (default: first backbone station).")
  String from;

  @Option(names = "--to", description = "Destination station (default: last backbone station).")
  String to;

  @Option(names = "--device", defaultValue = "finished-key-sim",
      description = "Device kind of every link: finished-key-sim (pools fill at once: the relay path alone is "
          + "measured) or bb84-sim. Default: ${DEFAULT-VALUE}.")
  private String device;

  @Option(names = "--relays", defaultValue = "2000", description = "Measured relays. Default: ${DEFAULT-VALUE}.")
  int relays;

  @Option(names = "--warmup", defaultValue = "300", description = "Unmeasured relays first. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(names = "--concurrency", defaultValue = "1", description = "Relays in flight. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--key-size", defaultValue = "256", description = "Key bits per relay. Default: ${DEFAULT-VALUE}.")
  int keySize;

  @Option(names = "--json", description = "Write the results as JSON to this file.")
  Path json;

  @Override
  public Integer call() throws Exception {
    LogLevels.quiet();
    Config cfg;
    TopologySpec topo;
    try {
      if (relays < 1 || relays > 1_000_000 || warmup < 0 || warmup > 100_000) {
        throw new ConfigException("--relays/--warmup", "relays 1..1000000, warmup 0..100000");
      }
      if (concurrency < 1 || concurrency > 256) {
        throw new ConfigException("--concurrency", concurrency + " is outside 1..256");
      }
      if (keySize < 8 || keySize % 8 != 0 || keySize > 4096) {
        throw new ConfigException("--key-size", keySize + " is not a multiple of 8 in 8..4096");
      }
      if (!DeviceSettings.KINDS.contains(device)) {
        throw new ConfigException("--device", device + " is not one of " + new TreeSet<>(DeviceSettings.KINDS));
      }
      cfg = ConfigLoader.load(topology).withValue("qnode.device.kind", ConfigValueFactory.fromAnyRef(device));
      topo = TopologySpec.fromConfig(cfg);
      List<String> defaults = topo.defaultEndpoints();
      from = from != null ? from : defaults.get(0);
      to = to != null ? to : defaults.get(1);
      if (topo.station(from).isEmpty() || topo.station(to).isEmpty() || from.equals(to)) {
        throw new ConfigException("--from/--to", "two different stations of " + topo.name());
      }
      if (topo.saesOf(from).isEmpty() || topo.saesOf(to).isEmpty()) {
        throw new ConfigException("--from/--to", "both stations need an SAE in the registry");
      }
    } catch (ConfigException e) {
      System.err.println("qnode bench relay: " + e.getMessage());
      return 2;
    }
    List<String> route = new PathFinder(topo.toGraph()).shortestPath(from, to).orElseThrow();
    int hops = route.size() - 1;
    String master = topo.saesOf(from).get(0).id();
    String slave = topo.saesOf(to).get(0).id();
    Path dir = Files.createTempDirectory("qnode-bench-relay-");
    System.out.printf(Locale.ROOT, "bench relay: %s, %s -> %s (%d hops), %d relays (+%d warm-up), concurrency %d, "
        + "%d-bit keys, device %s; %d cores, Java %s%n", topo.name(), from, to, hops, relays, warmup, concurrency,
        keySize, device,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try (LocalNetwork net = LocalNetwork.start(cfg, dir, id -> { })) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (net.stations().stream().anyMatch(s -> s.liveStations().snapshot().size() < topo.stations().size())
          || !poolsReady(net, route)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("network not ready within 120 s");
        }
        Thread.sleep(200); // waiting for the cluster to form and pools to fill
      }
      System.out.println("network ready; warming up");
      RelayEngine engine = net.station(from).relayEngine();
      run(engine, master, slave, warmup, new Recorder(3));
      System.out.println("measuring");
      Recorder recorder = new Recorder(3);
      long start = System.nanoTime();
      int failures = run(engine, master, slave, relays, recorder);
      double seconds = (System.nanoTime() - start) / 1e9;
      Histogram h = recorder.getIntervalHistogram();
      double p50 = h.getValueAtPercentile(50) / 1000.0;
      double p99 = h.getValueAtPercentile(99) / 1000.0;
      System.out.printf(Locale.ROOT, "relays: %d ok, %d failed in %.2f s -> %.0f keys/s%n", relays - failures,
          failures, seconds, (relays - failures) / seconds);
      System.out.printf(Locale.ROOT, "end-to-end latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f%n", p50,
          h.getValueAtPercentile(90) / 1000.0, p99, h.getMaxValue() / 1000.0);
      System.out.printf(Locale.ROOT, "per hop (end-to-end / %d): p50 %.3f ms, p99 %.3f ms%n", hops, p50 / hops,
          p99 / hops);
      if (json != null) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("topology", topo.name()).put("from", from).put("to", to).put("hops", hops);
        o.put("relays", relays).put("failed", failures).put("concurrency", concurrency).put("key_bits", keySize);
        o.put("keys_per_s", (relays - failures) / seconds);
        o.put("latency_ms_p50", p50).put("latency_ms_p99", p99);
        o.put("per_hop_ms_p50", p50 / hops).put("per_hop_ms_p99", p99 / hops);
        o.put("cores", Runtime.getRuntime().availableProcessors());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), o);
      }
      return failures == 0 ? 0 : 1;
    }
  }

  private boolean poolsReady(LocalNetwork net, List<String> route) {
    long need = 16L * (keySize / 8 + 32) * concurrency;
    for (int i = 0; i + 1 < route.size(); i++) {
      if (net.station(route.get(i)).store().availableToSend(route.get(i + 1)) < need) {
        return false;
      }
    }
    return true;
  }

  /** Runs {@code n} relays with {@code concurrency} in flight; returns the number that failed. */
  private int run(RelayEngine engine, String master, String slave, int n, Recorder latency)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Thread[] workers = new Thread[concurrency];
    for (int w = 0; w < concurrency; w++) {
      workers[w] = new Thread(() -> {
        while (next.getAndIncrement() < n) {
          long t0 = System.nanoTime();
          try {
            RelayEngine.Delivery d = engine.originate(to, master, slave, List.of(UUID.randomUUID().toString()),
                keySize / 8).toCompletableFuture().get(60, TimeUnit.SECONDS);
            latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
            d.keys().forEach(KeyMaterial::zeroize);
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      }, "bench-relay-" + w);
      workers[w].start();
    }
    for (Thread t : workers) {
      t.join(Duration.ofMinutes(30).toMillis());
    }
    return failed.get();
  }
}
