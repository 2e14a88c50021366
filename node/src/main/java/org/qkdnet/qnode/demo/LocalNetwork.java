package org.qkdnet.qnode.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.qkdnet.qnode.config.QnodeSettings;
import org.qkdnet.qnode.config.SaeSpec;
import org.qkdnet.qnode.config.StationSpec;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.crypto.DevPki;
import org.qkdnet.qnode.crypto.Identity;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.station.Station;

/**
 * Every station of a topology in this process, on loopback: own ports, data directory and
 * certificates each. The demo's sandbox, and the one-JVM integration tests' network.
 */
public final class LocalNetwork implements AutoCloseable {
  private static final int PORT_ATTEMPTS = 40;
  /** Tuning for many stations in one JVM, packaged by cluster-config. */
  public static final String IN_PROCESS_SETTINGS = "qnode-inprocess.conf";

  private final Config base;
  private final TopologySpec topology;
  private final Path workDir;
  private final Path pkiDir;
  private final int basePort;
  private final Function<String, Config> stationOverrides;
  private final Map<String, Station> stations = new LinkedHashMap<>();

  private LocalNetwork(Config base, TopologySpec topology, Path workDir, Path pkiDir, int basePort,
      Function<String, Config> stationOverrides) {
    this.base = base;
    this.stationOverrides = stationOverrides;
    this.topology = topology;
    this.workDir = workDir;
    this.pkiDir = pkiDir;
    this.basePort = basePort;
  }

  /**
   * Writes certificates, picks free ports and starts every station (a few at a time).
   *
   * @param config a loaded configuration holding {@code qnode.topology}
   * @param progress told about each station that came up
   */
  public static LocalNetwork start(Config loaded, Path workDir, Consumer<String> progress) throws IOException {
    return start(ConfigFactory.empty(), loaded, workDir, progress);
  }

  /**
   * As {@link #start(Config, Path, Consumer)}, with {@code overrides} laid over the in-process
   * tuning (which itself lies over {@code loaded}): for settings that tuning also sets.
   */
  public static LocalNetwork start(Config overrides, Config loaded, Path workDir, Consumer<String> progress)
      throws IOException {
    return start(overrides, loaded, workDir, progress, id -> ConfigFactory.empty());
  }

  /**
   * As {@link #start(Config, Config, Path, Consumer)}, with {@code stationOverrides} giving each
   * station settings of its own (e.g. one station with a feature on, the others without).
   */
  public static LocalNetwork start(Config overrides, Config loaded, Path workDir, Consumer<String> progress,
      Function<String, Config> stationOverrides) throws IOException {
    Config config = ConfigFactory.defaultOverrides()
        .withFallback(overrides)
        .withFallback(ConfigFactory.parseResources(IN_PROCESS_SETTINGS))
        .withFallback(loaded)
        .resolve();
    TopologySpec topo = TopologySpec.fromConfig(config);
    Path pki = workDir.resolve("pki");
    if (!Files.isRegularFile(pki.resolve("ca.crt"))) {
      DevPki.writeAll(pki, topo.stations().stream().map(StationSpec::id).toList(),
          topo.saes().stream().map(SaeSpec::id).toList(), topo.operators());
    }
    int basePort = freeBasePort(topo.stations().size());
    LocalNetwork net = new LocalNetwork(config, topo, workDir, pki, basePort, stationOverrides);
    try {
      net.startAll(progress);
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
    return net;
  }

  private void startAll(Consumer<String> progress) {
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "station-starter");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Station>> futures = new ArrayList<>();
      for (StationSpec s : topology.stations()) {
        futures.add(pool.submit(() -> {
          Station st = startStation(s.id());
          progress.accept(s.id());
          return st;
        }));
      }
      RuntimeException failure = null;
      for (int i = 0; i < futures.size(); i++) {
        try {
          Station st = futures.get(i).get();
          synchronized (stations) {
            stations.put(st.id(), st);
          }
        } catch (Exception e) {
          if (failure == null) {
            failure = new IllegalStateException("station " + topology.stations().get(i).id()
                + " did not start: " + e.getMessage(), e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The settings of one station of this network. */
  public Config stationConfig(String id) {
    return ConfigFactory.empty()
        .withValue("qnode.station-id", ConfigValueFactory.fromAnyRef(id))
        .withValue("qnode.data-dir", ConfigValueFactory.fromAnyRef(workDir.resolve("data").resolve(id).toString()))
        .withValue("qnode.tls-dir", ConfigValueFactory.fromAnyRef(pkiDir.toString()))
        .withValue("qnode.network.base-port", ConfigValueFactory.fromAnyRef(basePort))
        .withFallback(stationOverrides.apply(id))
        .withFallback(base)
        .resolve();
  }

  private Station startStation(String id) {
    Config cfg = stationConfig(id);
    return Station.start(QnodeSettings.create(cfg), cfg);
  }

  /** Stops one station (as an orderly shutdown) and starts it again on the same ports and data. */
  public Station restart(String id) {
    Station old;
    synchronized (stations) {
      old = stations.remove(id);
    }
    if (old != null) {
      old.close();
    }
    Station st = startStation(id);
    synchronized (stations) {
      stations.put(id, st);
    }
    return st;
  }

  /**
   * Restarts, as a supervisor would, every station that stopped on its own (failed closed: removed
   * from the cluster, e.g. downed while starved of CPU during formation, or its store failed), on
   * the same ports and data; an operator's or stopped station is not here. Returns each restarted
   * station's reason for stopping, in station order.
   */
  public Map<String, String> restartFailedClosed() {
    Map<String, String> restarted = new java.util.TreeMap<>();
    for (Station s : stations()) {
      String why = s.failedClosed().toCompletableFuture().getNow(null);
      if (why != null) {
        restart(s.id());
        restarted.put(s.id(), why);
      }
    }
    return restarted;
  }

  /** Stops one station and leaves it down. */
  public void stop(String id) {
    Station old;
    synchronized (stations) {
      old = stations.remove(id);
    }
    if (old != null) {
      old.close();
    }
  }

  /**
   * Waits (bounded) until {@code from} has the route(s) a key from {@code masterSae} to {@code
   * slaveSae} at {@code to} needs: members Up, link state published, key on every link.
   *
   * @return the routes
   * @throws IllegalStateException if they did not appear within {@code timeout}
   */
  public List<List<String>> awaitRoutes(String from, String to, String masterSae, String slaveSae,
      java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<List<String>> r = station(from).currentRoutes(to, masterSae, slaveSae);
      if (!r.isEmpty()) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no route " + from + " -> " + to + " within " + timeout.toSeconds() + " s: "
            + station(from).explainRoute(to).summary());
      }
      Thread.sleep(100);
    }
  }

  /**
   * Waits (bounded) until {@code from} has {@code k} node-disjoint routes with key toward {@code
   * to}, e.g. before a failover test takes one of them away.
   *
   * @throws IllegalStateException if they did not appear within {@code timeout}
   */
  public List<List<String>> awaitDisjointRoutes(String from, String to, int k, java.time.Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<List<String>> r = station(from).currentDisjointRoutes(to, k);
      if (r.size() >= k) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(k + " disjoint routes " + from + " -> " + to + " not there within "
            + timeout.toSeconds() + " s (found " + r + "): " + station(from).explainRoute(to).summary());
      }
      Thread.sleep(100);
    }
  }

  /** Live cluster members seen by the least-informed running station (0 with none running). */
  public int leastLiveMembers() {
    return stations().stream().mapToInt(s -> s.liveStations().snapshot().size()).min().orElse(0);
  }

  /**
   * The key each hop of {@code routes} can send now: the smallest, and every hop's as
   * {@code " FROM>TO:<bytes>B"} for progress lines.
   */
  public record PoolLevels(long min, String levels) {}

  public PoolLevels poolLevels(List<List<String>> routes) {
    long min = Long.MAX_VALUE;
    StringBuilder levels = new StringBuilder();
    for (List<String> route : routes) {
      for (int i = 0; i + 1 < route.size(); i++) {
        long avail = station(route.get(i)).store().availableToSend(route.get(i + 1));
        min = Math.min(min, avail);
        levels.append(String.format(java.util.Locale.ROOT, " %s>%s:%dB", route.get(i), route.get(i + 1), avail));
      }
    }
    return new PoolLevels(min, levels.toString());
  }

  public Station station(String id) {
    synchronized (stations) {
      Station s = stations.get(id);
      if (s == null) {
        throw new IllegalArgumentException("no running station " + id);
      }
      return s;
    }
  }

  public List<Station> stations() {
    synchronized (stations) {
      return List.copyOf(stations.values());
    }
  }

  public TopologySpec topology() {
    return topology;
  }

  public Path pkiDir() {
    return pkiDir;
  }

  public Path workDir() {
    return workDir;
  }

  /** The admin API of a station, as {@code host:port} (qnode admin --target). */
  public String adminTarget(String stationId) {
    return "127.0.0.1:" + station(stationId).adminPort();
  }

  /** The files of an operator's certificate and key in this network's PKI. */
  public Path operatorCert(String name) {
    return pkiDir.resolve("operators").resolve(name + ".crt");
  }

  public Path operatorKey(String name) {
    return pkiDir.resolve("operators").resolve(name + ".key");
  }

  /** The station's live topology map ({@code https://127.0.0.1:port/}, operator certificate), unless the dashboard is off. */
  public java.util.Optional<String> dashboardUrl(String stationId) {
    return station(stationId).dashboardUrl();
  }

  public String etsi014Url(String stationId) {
    return "https://127.0.0.1:" + station(stationId).httpsPort();
  }

  public Path saeCert(String saeId) {
    return pkiDir.resolve("saes").resolve(saeId + ".crt");
  }

  public Path saeKey(String saeId) {
    return pkiDir.resolve("saes").resolve(saeId + ".key");
  }

  /** TLS context of an application holding the SAE certificate {@code saeId}. */
  public SSLContext saeTls(String saeId) {
    try {
      Identity id = Pem.readIdentity(saeCert(saeId), saeKey(saeId));
      return TlsContexts.mutualTls(id, Pem.readCertificate(pkiDir.resolve("ca.crt")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    List<Station> all;
    synchronized (stations) {
      all = new ArrayList<>(stations.values());
      stations.clear();
    }
    // in parallel: each station's shutdown is mostly waiting (cluster leave, server drain)
    List<Thread> closers = new ArrayList<>();
    for (Station s : all) {
      Thread t = new Thread(() -> {
        try {
          s.close();
        } catch (RuntimeException e) {
          // keep closing the others; the station logged the failure
        }
      }, "close-" + s.id());
      t.start();
      closers.add(t);
    }
    for (Thread t : closers) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * A base port such that every port this network needs on 127.0.0.1 is free right now, chosen
   * below the kernel's ephemeral range so that outgoing connections cannot take it meanwhile.
   */
  public static int freeBasePort(int stationCount) {
    int span = stationCount * 10;
    int low = 20_000;
    int high = Math.min(ephemeralLow(), 65_000) - span;
    if (high <= low) {
      low = 1_024;
    }
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      int candidate = low + 10 * ThreadLocalRandom.current().nextInt(Math.max(1, (high - low) / 10));
      if (allFree(candidate, stationCount)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free range of " + span + " ports on 127.0.0.1 after "
        + PORT_ATTEMPTS + " attempts");
  }

  /** Lower end of the kernel's ephemeral port range (Linux), 32768 where it cannot be read. */
  static int ephemeralLow() {
    // read as a stream: /proc files report a size that Files.readString trusts
    try (var in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      String range = in.readLine().trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  private static boolean allFree(int base, int stationCount) {
    for (int i = 0; i < stationCount; i++) {
      // +0 cluster, +1 gRPC, +2 ETSI 014, +3 admin, +4 metrics (qnode.metrics.port = 0), +5 dashboard,
      // +6 Pekko Management (qnode.management, when on)
      for (int k = 0; k < 7; k++) {
        try (ServerSocket s = new ServerSocket()) {
          s.setReuseAddress(false);
          s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), base + 10 * i + k));
        } catch (IOException e) {
          return false;
        }
      }
    }
    return true;
  }
}
