package org.qkdnet.qnode.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.qkdnet.qnode.config.ConfigException;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.config.DeviceSettings;
import org.qkdnet.qnode.config.RelaySettings;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.demo.Demo;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.relay.RelayEngine;
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

  @Option(names = "--warmup-seconds", defaultValue = "15",
      description = "The warm-up goes on until it has also run this long (0: the --warmup count alone): the JIT "
          + "compiles the relay path for a while, and a shorter warm-up measures part of that. Default: ${DEFAULT-VALUE}.")
  int warmupSeconds;

  @Option(names = "--concurrency", defaultValue = "1", description = "Relays in flight. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--key-size", defaultValue = "256", description = "Key bits per relay. Default: ${DEFAULT-VALUE}.")
  int keySize;

  @Option(names = "--paths", defaultValue = "1",
      description = "Node-disjoint paths per relay, 1 or 2 (2: two random shares over two routes sharing no "
          + "station but the ends, the key their XOR). Default: ${DEFAULT-VALUE}.")
  int paths;

  @Option(names = "--json", description = "Write the results as JSON to this file.")
  Path json;

  /** Network start to routes and pools ready: cluster formation plus link state publication. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  @Override
  public Integer call() throws Exception {
    LogLevels.quiet();
    Config cfg;
    TopologySpec topo;
    try {
      if (relays < 1 || relays > 1_000_000 || warmup < 0 || warmup > 100_000) {
        throw new ConfigException("--relays/--warmup", "relays 1..1000000, warmup 0..100000");
      }
      if (warmupSeconds < 0 || warmupSeconds > 3600) {
        throw new ConfigException("--warmup-seconds", warmupSeconds + " is outside 0..3600");
      }
      if (concurrency < 1 || concurrency > 256) {
        throw new ConfigException("--concurrency", concurrency + " is outside 1..256");
      }
      if (keySize < 8 || keySize % 8 != 0 || keySize > 4096) {
        throw new ConfigException("--key-size", keySize + " is not a multiple of 8 in 8..4096");
      }
      if (paths < 1 || paths > RelaySettings.MAX_PATHS) {
        throw new ConfigException("--paths", paths + " is outside 1.." + RelaySettings.MAX_PATHS);
      }
      if (!DeviceSettings.KINDS.contains(device)) {
        throw new ConfigException("--device", device + " is not one of " + new TreeSet<>(DeviceSettings.KINDS));
      }
      // qnode.relay.paths too: the stations' own route questions (awaitRoutes) then ask for as many routes
      cfg = ConfigLoader.load(topology).withValue("qnode.device.kind", ConfigValueFactory.fromAnyRef(device))
          .withValue("qnode.relay.paths", ConfigValueFactory.fromAnyRef(paths));
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
      String pairMaster = topo.saesOf(from).get(0).id();
      String pairSlave = topo.saesOf(to).get(0).id();
      if (topo.pathsFor(pairMaster, pairSlave).filter(p -> p != paths).isPresent()) {
        throw new ConfigException("--paths", paths + " differs from the topology's sae-pairs setting (paths = "
            + topo.pathsFor(pairMaster, pairSlave).get() + ") for " + pairMaster + " -> " + pairSlave);
      }
      String problem = Demo.disjointRoutesProblem(topo, from, to, paths);
      if (problem != null) {
        throw new ConfigException("--paths", problem);
      }
    } catch (ConfigException e) {
      System.err.println("qnode bench relay: " + e.getMessage());
      return 2;
    }
    String master = topo.saesOf(from).get(0).id();
    String slave = topo.saesOf(to).get(0).id();
    Path dir = Files.createTempDirectory("qnode-bench-relay-");
    System.out.printf(Locale.ROOT, "bench relay: %s, %s -> %s%s, %d relays (+%d warm-up, at least %d s), "
        + "concurrency %d, %d-bit keys, device %s; %d cores, Java %s%n", topo.name(), from, to,
        paths == 1 ? "" : ", " + paths + " node-disjoint paths", relays, warmup, warmupSeconds, concurrency,
        keySize, device, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try (LocalNetwork net = LocalNetwork.start(cfg, dir, id -> { })) {
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      while (net.stations().stream().anyMatch(s -> s.liveStations().snapshot().size() < topo.stations().size())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cluster not formed within " + READY_TIMEOUT.toSeconds() + " s");
        }
        Thread.sleep(200); // waiting for the cluster to form
      }
      // routes exist once members are Up and link state is published; then the pools on them
      List<List<String>> planned = net.awaitRoutes(from, to, master, slave,
          Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      while (!poolsReady(net, planned)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("pools on " + labels(planned) + " not filled within "
              + READY_TIMEOUT.toSeconds() + " s");
        }
        Thread.sleep(200); // waiting for pools to fill
      }
      System.out.printf(Locale.ROOT, "network ready, route%s %s; warming up (%d relays, at least %d s)%n",
          planned.size() == 1 ? "" : "s", labels(planned), warmup, warmupSeconds);
      RelayEngine engine = net.station(from).relayEngine();
      long warmStart = System.nanoTime();
      run(engine, master, slave, warmup, warmupSeconds, new Recorder(3), new ConcurrentHashMap<>());
      double warmedSeconds = (System.nanoTime() - warmStart) / 1e9;
      // the baseline: a bare unary call between the origin and its first hop on the same channel
      String firstHop = planned.get(0).get(1);
      Histogram baseline = pings(net, firstHop, Math.min(relays, BASELINE_CALLS));
      double baselineUs = baseline.getValueAtPercentile(50);
      System.out.printf(Locale.ROOT, "grpc baseline (LinkService Ping %s -> %s, same channel, one at a time): "
          + "p50 %.0f us, p99 %.0f us%n", from, firstHop, baselineUs, (double) baseline.getValueAtPercentile(99));
      // every station's synced writes while measuring (relays may take another route than the
      // planned one; the bench's stations have no other use for their store metrics: this
      // replaces their recorder)
      StoreSyncs syncs = new StoreSyncs(net.stations());
      System.out.println("measuring");
      Recorder recorder = new Recorder(3);
      ConcurrentMap<List<String>, RouteFigures> perRoute = new ConcurrentHashMap<>();
      long start = System.nanoTime();
      int failures = run(engine, master, slave, relays, 0, recorder, perRoute);
      double seconds = (System.nanoTime() - start) / 1e9;
      Histogram h = recorder.getIntervalHistogram();
      double p50 = h.getValueAtPercentile(50) / 1000.0;
      double p99 = h.getValueAtPercentile(99) / 1000.0;
      // routes in order of use (most used first), each with its own figures
      List<Map.Entry<List<String>, RouteFigures>> used = new ArrayList<>(perRoute.entrySet());
      used.sort(Comparator.comparingLong((Map.Entry<List<String>, RouteFigures> e) -> -e.getValue().uses.sum())
          .thenComparing(e -> String.join(">", e.getKey())));
      List<String> primary = used.isEmpty() ? planned.get(0) : used.get(0).getKey();
      // the combined time is bounded by the longer route: with two paths, per hop is over its hops
      int hops = paths == 1 ? primary.size() - 1
          : used.stream().mapToInt(e -> e.getKey().size() - 1).max().orElse(primary.size() - 1);
      System.out.printf(Locale.ROOT, "relays: %d ok, %d failed in %.2f s -> %.0f keys/s%n", relays - failures,
          failures, seconds, (relays - failures) / seconds);
      if (paths == 1) {
        System.out.printf(Locale.ROOT, "route: %s%n", used.size() <= 1 ? String.join(" -> ", primary) + " ("
            + hops + " hops)" : usesText(used));
      } else {
        System.out.printf(Locale.ROOT, "routes used (shares each): %s%n", usesText(used));
        for (Map.Entry<List<String>, RouteFigures> e : used) {
          Histogram r = e.getValue().latency.getIntervalHistogram();
          int rh = e.getKey().size() - 1;
          double r50 = r.getValueAtPercentile(50) / 1000.0;
          double r99 = r.getValueAtPercentile(99) / 1000.0;
          System.out.printf(Locale.ROOT, "path %-16s (%d hops) latency ms: p50 %.3f  p99 %.3f; per hop p50 %.3f  "
              + "p99 %.3f%n", String.join(">", e.getKey()), rh, r50, r99, r50 / rh, r99 / rh);
          e.getValue().snapshot = r;
        }
      }
      System.out.printf(Locale.ROOT, "%slatency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f%n",
          paths == 1 ? "end-to-end " : "combined end-to-end ", p50, h.getValueAtPercentile(90) / 1000.0, p99,
          h.getMaxValue() / 1000.0);
      System.out.printf(Locale.ROOT, "per hop (end-to-end / %d%s): p50 %.3f ms, p99 %.3f ms; p50 %.1fx the grpc "
          + "baseline%n", hops, paths == 1 ? "" : ", the longest route's hops", p50 / hops, p99 / hops,
          p50 * 1000 / hops / baselineUs);
      StoreSyncs.Interval synced = syncs.take();
      double waitUs = synced.waitP50Us();
      // each hop is one call and, at its receiver, one synced write; the origin's reservation is one more
      double floorUs = baselineUs + waitUs * (hops + 1) / hops;
      System.out.printf(Locale.ROOT, "stores: %d synced writes waited p50 %.0f us (%d fsyncs, p50 %.0f us);"
          + " floor per hop (bare call + %d synced writes / %d hops) %.0f us = %.1fx the baseline; measured per hop"
          + " %.0f us beyond it%n", synced.writes(), waitUs, synced.fsyncs().getTotalCount(), synced.fsyncP50Us(),
          hops + 1, hops, floorUs, floorUs / baselineUs, p50 * 1000 / hops - floorUs);
      System.out.printf(Locale.ROOT, "synced writes per relay at the stations that made any: %s%n", String.join(", ",
          synced.perStation().entrySet().stream()
              .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / (double) relays)).toList()));
      if (json != null) {
        ObjectNode o = BenchJson.MAPPER.createObjectNode();
        o.put("topology", topo.name()).put("from", from).put("to", to).put("hops", hops);
        o.put("relays", relays).put("failed", failures).put("concurrency", concurrency).put("key_bits", keySize);
        o.put("warmup", warmup).put("warmup_seconds", warmupSeconds);
        BenchJson.number(o, "warmup_ran_seconds", warmedSeconds);
        BenchJson.number(o, "keys_per_s", (relays - failures) / seconds);
        BenchJson.number(o, "latency_ms_p50", p50);
        BenchJson.number(o, "latency_ms_p99", p99);
        BenchJson.number(o, "per_hop_ms_p50", p50 / hops);
        BenchJson.number(o, "per_hop_ms_p99", p99 / hops);
        BenchJson.number(o, "per_hop_p50_us", p50 * 1000 / hops);
        BenchJson.number(o, "per_hop_p99_us", p99 * 1000 / hops);
        BenchJson.number(o, "grpc_baseline_p50_us", baselineUs);
        BenchJson.number(o, "grpc_baseline_p99_us", baseline.getValueAtPercentile(99));
        BenchJson.number(o, "per_hop_over_baseline", p50 * 1000 / hops / baselineUs);
        o.put("store_synced_writes", synced.writes()).put("store_fsyncs", synced.fsyncs().getTotalCount());
        BenchJson.number(o, "store_sync_wait_p50_us", waitUs);
        BenchJson.number(o, "store_fsync_p50_us", synced.fsyncP50Us());
        BenchJson.number(o, "floor_per_hop_us", floorUs);
        o.put("cores", Runtime.getRuntime().availableProcessors());
        o.put("paths", paths);
        ArrayNode route = o.putArray("route");
        primary.forEach(route::add);
        ArrayNode routes = o.putArray("routes");
        ObjectNode uses = o.putObject("route_uses");
        for (Map.Entry<List<String>, RouteFigures> e : used) {
          ArrayNode r = routes.addArray();
          e.getKey().forEach(r::add);
          uses.put(String.join(">", e.getKey()), e.getValue().uses.sum());
        }
        if (paths > 1) {
          ArrayNode perPath = o.putArray("per_path");
          for (Map.Entry<List<String>, RouteFigures> e : used) {
            Histogram r = e.getValue().snapshot;
            int rh = e.getKey().size() - 1;
            double r50 = r.getValueAtPercentile(50) / 1000.0;
            double r99 = r.getValueAtPercentile(99) / 1000.0;
            ObjectNode p = perPath.addObject().put("route", String.join(">", e.getKey())).put("hops", rh)
                .put("shares", e.getValue().uses.sum());
            BenchJson.number(p, "latency_ms_p50", r50);
            BenchJson.number(p, "latency_ms_p99", r99);
            BenchJson.number(p, "per_hop_ms_p50", r50 / (double) rh);
            BenchJson.number(p, "per_hop_ms_p99", r99 / (double) rh);
          }
        }
        BenchJson.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), o);
      }
      return failures == 0 ? 0 : 1;
    }
  }

  /** Bare calls measured for the grpc baseline (after as many unmeasured). */
  private static final int BASELINE_CALLS = 2_000;

  /** {@code n} LinkService pings from the origin to {@code peer}, one at a time, after {@code n} unmeasured. */
  private Histogram pings(LocalNetwork net, String peer, int n) throws Exception {
    Recorder r = new Recorder(3);
    for (int i = 0; i < 2 * n; i++) {
      long t0 = System.nanoTime();
      net.station(from).pingNeighbour(peer).toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (i >= n) {
        r.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
      }
    }
    return r.getIntervalHistogram();
  }

  /** One route's share times (hop 1 sent to the destination's answer) and how often it was taken. */
  private static final class RouteFigures {
    final Recorder latency = new Recorder(3);
    final LongAdder uses = new LongAdder();
    Histogram snapshot;
  }

  private static String labels(List<List<String>> routes) {
    return String.join(", ", routes.stream().map(r -> String.join(">", r)).toList());
  }

  private static String usesText(List<Map.Entry<List<String>, RouteFigures>> used) {
    return String.join(", ", used.stream().map(e -> String.join(">", e.getKey()) + " " + e.getValue().uses.sum())
        .toList());
  }

  private boolean poolsReady(LocalNetwork net, List<List<String>> routes) {
    long need = 16L * (keySize / 8 + 32) * concurrency;
    for (List<String> route : routes) {
      for (int i = 0; i + 1 < route.size(); i++) {
        if (net.station(route.get(i)).store().availableToSend(route.get(i + 1)) < need) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Runs {@code n} relays, and more until {@code minSeconds} have passed, with {@code concurrency}
   * in flight (each relay bounded by 60 s), recording each delivery's time in {@code latency} and
   * each route's own time in {@code perRoute}; returns the number that failed.
   */
  private int run(RelayEngine engine, String master, String slave, int n, int minSeconds, Recorder latency,
      ConcurrentMap<List<String>, RouteFigures> perRoute) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(minSeconds).toNanos();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Thread[] workers = new Thread[concurrency];
    for (int w = 0; w < concurrency; w++) {
      workers[w] = new Thread(() -> {
        while (next.getAndIncrement() < n || System.nanoTime() < until) {
          long t0 = System.nanoTime();
          try {
            RelayEngine.Delivery d = engine.originate(to, master, slave, List.of(UUID.randomUUID().toString()),
                keySize / 8, paths).toCompletableFuture().get(60, TimeUnit.SECONDS);
            latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
            for (int i = 0; i < d.routes().size(); i++) {
              RouteFigures f = perRoute.computeIfAbsent(d.routes().get(i), r -> new RouteFigures());
              f.uses.increment();
              if (i < d.routeTimes().size()) {
                f.latency.recordValue(Math.max(1, d.routeTimes().get(i).toNanos() / 1000));
              }
            }
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
