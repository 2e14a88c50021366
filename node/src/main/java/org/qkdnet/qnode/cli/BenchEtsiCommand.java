package org.qkdnet.qnode.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;
import org.qkdnet.qnode.config.ConfigException;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.config.DeviceSettings;
import org.qkdnet.qnode.config.EtsiSettings;
import org.qkdnet.qnode.config.RelaySettings;
import org.qkdnet.qnode.config.SaeSpec;
import org.qkdnet.qnode.config.StationSpec;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.demo.Demo;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.routing.PathFinder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qnode bench etsi}: the ETSI GS QKD 014 REST API of an in-process network under load, as
 * applications see it: HTTPS with the SAEs' client certificates (mutual TLS), one {@link HttpClient}
 * (one keep-alive connection) per client thread. Two scenarios, each for every thread count:
 * {@code same_station} (enc_keys between two SAEs of one station: no relay) and {@code
 * two_hop_pair} (enc_keys at the master's station, then dec_keys by that key_ID at the slave's
 * station two hops away; the two keys are compared in memory and never shown).
 */
@Command(name = "etsi", mixinStandardHelpOptions = true,
    description = "ETSI GS QKD 014 load over HTTPS with mutual TLS on an in-process network: enc_keys between "
        + "two SAEs of one station, and enc_keys + dec_keys pairs between SAEs two hops apart.")
public final class BenchEtsiCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--topology", defaultValue = "local", description = "hubei, local or a file. Default: ${DEFAULT-VALUE}.")
  String topology;

  @Option(names = "--device", defaultValue = "finished-key-sim",
      description = "Device kind of every link: finished-key-sim or bb84-sim. Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(names = "--threads", defaultValue = "1,16", split = ",", paramLabel = "N[,N...]",
      description = "Client thread counts, one phase each; every thread is one application with its own "
          + "HttpClient (own keep-alive connection). Default: ${DEFAULT-VALUE}.")
  int[] threads;

  @Option(names = "--requests", defaultValue = "4000",
      description = "Measured requests per phase (pairs in two_hop_pair). Default: ${DEFAULT-VALUE}.")
  int requests;

  @Option(names = "--warmup", defaultValue = "500",
      description = "Unmeasured requests before each phase (at least one per thread when > 0). "
          + "Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(names = "--warmup-seconds", defaultValue = "15",
      description = "The warm-up goes on until it has also run this long (0: the --warmup count alone). The JIT "
          + "compiles the stations' request paths for about a minute; a shorter warm-up measures part of that. "
          + "Default: ${DEFAULT-VALUE}.")
  int warmupSeconds;

  @Option(names = "--max-seconds", defaultValue = "120",
      description = "Time bound of each phase (and of its warm-up): a phase stops then and reports what it did. "
          + "Default: ${DEFAULT-VALUE}.")
  int maxSeconds;

  @Option(names = "--key-size", defaultValue = "256", description = "Key bits per enc_keys (number = 1). "
      + "Default: ${DEFAULT-VALUE}.")
  int keySize;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON to this file.")
  Path json;

  static final String SAME_STATION = "same_station";
  static final String TWO_HOP_PAIR = "two_hop_pair";

  private static final int MAX_THREADS = 256;
  /** A 503 (the ETSI 014 "come back later": no key yet, pool refilling) is retried this often at most. */
  private static final int MAX_RETRIES = 50;
  private static final long RETRY_SLEEP_MILLIS = 20;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Cluster, route and pools; bb84-sim links need minutes for their first finite-key block. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration READY_TIMEOUT_BB84 = Duration.ofSeconds(600);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  /**
   * The per-SAE throttle (reference.conf: 200 requests/s, burst 100) would be what a load bench
   * measures; it is lifted so that the API itself is. Every other limit stays as configured.
   */
  private static final int LIFTED_REQUESTS_PER_SECOND = 1_000_000;
  private static final String LIFTED_KEY_BYTES = "1 GiB";

  private final long t0 = System.nanoTime();
  private PrintWriter out;
  /** The in-process stations' synced writes (set once the network runs). */
  private StoreSyncs syncs;

  /** Who talks to whom in a scenario. */
  record Pair(String master, String masterStation, String slave, String slaveStation) {}

  @Override
  public Integer call() throws Exception {
    LogLevels.quiet();
    out = spec.commandLine().getOut();
    Config cfg;
    TopologySpec topo;
    try {
      if (threads == null || threads.length == 0 || threads.length > 16) {
        throw new ConfigException("--threads", "give 1 to 16 thread counts, e.g. 1,16");
      }
      for (int t : threads) {
        if (t < 1 || t > MAX_THREADS) {
          throw new ConfigException("--threads", t + " is outside 1.." + MAX_THREADS);
        }
      }
      if (requests < 1 || requests > 10_000_000) {
        throw new ConfigException("--requests", requests + " is outside 1..10000000");
      }
      if (warmup < 0 || warmup > 1_000_000) {
        throw new ConfigException("--warmup", warmup + " is outside 0..1000000");
      }
      if (warmupSeconds < 0 || warmupSeconds > 3600) {
        throw new ConfigException("--warmup-seconds", warmupSeconds + " is outside 0..3600");
      }
      if (maxSeconds < 1 || maxSeconds > 3600) {
        throw new ConfigException("--max-seconds", maxSeconds + " is outside 1..3600");
      }
      if (keySize < 8 || keySize % 8 != 0) {
        throw new ConfigException("--key-size", keySize + " is not a positive multiple of 8");
      }
      if (!DeviceSettings.KINDS.contains(device)) {
        throw new ConfigException("--device", device + " is not one of " + new TreeSet<>(DeviceSettings.KINDS));
      }
      try {
        cfg = ConfigLoader.load(topology);
      } catch (ConfigException e) {
        throw new ConfigException("--topology", e.getMessage());
      }
      cfg = cfg.withValue("qnode.device.kind", ConfigValueFactory.fromAnyRef(device))
          .withValue("qnode.etsi014.throttle.requests-per-second", ConfigValueFactory.fromAnyRef(LIFTED_REQUESTS_PER_SECOND))
          .withValue("qnode.etsi014.throttle.request-burst", ConfigValueFactory.fromAnyRef(LIFTED_REQUESTS_PER_SECOND))
          .withValue("qnode.etsi014.throttle.key-bytes-per-second", ConfigValueFactory.fromAnyRef(LIFTED_KEY_BYTES))
          .withValue("qnode.etsi014.throttle.key-bytes-burst", ConfigValueFactory.fromAnyRef(LIFTED_KEY_BYTES));
      try {
        topo = TopologySpec.fromConfig(cfg);
      } catch (ConfigException e) {
        throw new ConfigException("--topology", e.getMessage());
      }
      EtsiSettings limits = EtsiSettings.create(cfg);
      if (keySize < limits.minKeySize() || keySize > limits.maxKeySize()) {
        throw new ConfigException("--key-size", keySize + " is outside the KMEs' min-key-size..max-key-size ("
            + limits.minKeySize() + ".." + limits.maxKeySize() + ")");
      }
    } catch (ConfigException e) {
      return BenchOutput.fail(spec, BenchOutput.EXIT_BAD_INPUT, e.getMessage());
    }

    Optional<Pair> same = sameStationPair(topo);
    Optional<Pair> twoHop = twoHopPair(topo);
    int paths = 1;
    String twoHopSkipped = twoHop.isPresent() ? null : "no two SAEs allowed to pair at stations two hops apart";
    if (twoHop.isPresent()) {
      Pair p = twoHop.get();
      paths = topo.pathsFor(p.master(), p.slave()).orElse(RelaySettings.create(cfg).paths());
      String problem = Demo.disjointRoutesProblem(topo, p.masterStation(), p.slaveStation(), paths);
      if (problem != null) {
        twoHopSkipped = problem;
        twoHop = Optional.empty();
      }
    }
    String sameSkipped = same.isPresent() ? null : "no station of " + topo.name()
        + " has two SAEs allowed to pair";
    if (same.isEmpty() && twoHop.isEmpty()) {
      return BenchOutput.fail(spec, BenchOutput.EXIT_BAD_INPUT, "--topology: " + topo.name()
          + " has neither a same-station SAE pair nor an SAE pair two hops apart");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    say("bench etsi: %s, device %s, threads %s, %d requests per phase (+%d warm-up, at least %d s), %d-bit keys, "
        + "at most %d s per phase; %d cores, Java %s", topo.name(), device, threadList(), requests, warmup,
        warmupSeconds, keySize, maxSeconds, cores, System.getProperty("java.version"));
    say("per-SAE throttle lifted for the benchmark (%d requests/s, %s of key/s); every other limit as configured",
        LIFTED_REQUESTS_PER_SECOND, LIFTED_KEY_BYTES);
    same.ifPresentOrElse(
        p -> say("%s: master %s, slave %s, both at %s (enc_keys only)", SAME_STATION, p.master(), p.slave(),
            p.masterStation()),
        () -> say("%s: skipped, %s", SAME_STATION, sameSkipped));
    final String twoHopReason = twoHopSkipped;
    twoHop.ifPresentOrElse(
        p -> say("%s: master %s at %s, slave %s at %s (enc_keys, then dec_keys by key_ID)", TWO_HOP_PAIR,
            p.master(), p.masterStation(), p.slave(), p.slaveStation()),
        () -> say("%s: skipped, %s", TWO_HOP_PAIR, twoHopReason));

    Path dir = Files.createTempDirectory("qnode-bench-etsi-");
    Map<String, List<Phase>> results = new TreeMap<>();
    List<List<String>> planned = List.of();
    // Ctrl-C or a kill mid-run: the stations still close and their key stores are removed
    AtomicReference<LocalNetwork> running = new AtomicReference<>();
    AtomicBoolean killed = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      LocalNetwork n = running.getAndSet(null);
      if (n != null) {
        killed.set(true);
        n.close();
      }
      deleteTree(dir);
    }, "bench-etsi-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      AtomicInteger up = new AtomicInteger();
      int total = topo.stations().size();
      try (LocalNetwork net = LocalNetwork.start(cfg, dir,
          id -> say("[%d/%d] station %s up", up.incrementAndGet(), total, id))) {
        running.set(net);
        syncs = new StoreSyncs(net.stations());
        Duration readyTimeout = device.equals("bb84-sim") ? READY_TIMEOUT_BB84 : READY_TIMEOUT;
        long readyDeadline = System.nanoTime() + readyTimeout.toNanos();
        try {
          waitForCluster(net, total, readyDeadline, readyTimeout);
          if (twoHop.isPresent()) {
            planned = waitForRoutes(net, twoHop.get(), readyDeadline, readyTimeout);
            waitForPools(net, planned, readyDeadline, readyTimeout);
          }
        } catch (IllegalStateException e) {
          return BenchOutput.fail(spec, BenchOutput.EXIT_IO, "network not ready: " + e.getMessage());
        }
        if (same.isPresent()) {
          results.put(SAME_STATION, runScenario(net, SAME_STATION, same.get(), false));
        }
        if (twoHop.isPresent()) {
          results.put(TWO_HOP_PAIR, runScenario(net, TWO_HOP_PAIR, twoHop.get(), true));
        }
        say("closing the network");
        running.set(null);
      }
    } finally {
      deleteTree(dir);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs (the network is closed already)
      }
    }

    TreeSet<String> versions = new TreeSet<>();
    results.values().forEach(l -> l.forEach(p -> versions.addAll(p.versions)));
    String httpVersion = versions.isEmpty() ? "none" : String.join(",", versions);
    long mismatches = results.values().stream().flatMap(List::stream).mapToLong(p -> p.mismatches).sum();
    boolean nothingDone = results.values().stream().flatMap(List::stream).anyMatch(p -> p.ok == 0);
    printSummary(topo, same, twoHop, planned, results, httpVersion, cores, sameSkipped, twoHopReason);
    if (json != null) {
      BenchJson o = new BenchJson()
          .put("topology", topo.name()).put("device", device).put("key_bits", keySize)
          .put("cores", cores).put("java", System.getProperty("java.version"))
          .put("http_version", httpVersion).put("throttle", "lifted")
          .put("requests_per_phase", requests).put("warmup", warmup).put("warmup_seconds", warmupSeconds)
          .put("max_seconds", maxSeconds);
      putScenario(o, SAME_STATION, same, sameSkipped, results.get(SAME_STATION), List.of());
      putScenario(o, TWO_HOP_PAIR, twoHop, twoHopReason, results.get(TWO_HOP_PAIR), planned);
      try {
        BenchJson.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), o.node());
      } catch (IOException e) {
        return BenchOutput.fail(spec, BenchOutput.EXIT_IO, "cannot write " + json + ": " + e.getMessage());
      }
    }
    if (killed.get()) {
      // the figures above include requests that failed because the network was closing
      return BenchOutput.fail(spec, BenchOutput.EXIT_IO, "INTERRUPTED: the JVM is shutting down; the network was "
          + "closed mid-run, so the last phase's errors are not the API's");
    }
    if (mismatches > 0) {
      return BenchOutput.fail(spec, BenchOutput.EXIT_IO, "ERROR: " + mismatches
          + " key pair(s) differed between master and slave");
    }
    if (nothingDone) {
      return BenchOutput.fail(spec, BenchOutput.EXIT_IO, "a phase completed no request");
    }
    return BenchOutput.EXIT_OK;
  }

  // ---------------------------------------------------------------- scenarios and phases

  /** The first station (topology order) with two SAEs that may share keys: its first such pair. */
  static Optional<Pair> sameStationPair(TopologySpec topo) {
    for (StationSpec s : topo.stations()) {
      List<SaeSpec> saes = topo.saesOf(s.id());
      for (SaeSpec m : saes) {
        for (SaeSpec sl : saes) {
          if (!m.id().equals(sl.id()) && topo.pairAllowed(m.id(), sl.id())) {
            return Optional.of(new Pair(m.id(), s.id(), sl.id(), s.id()));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The first SAE pair (topology order) whose stations are two hops apart on the shortest route. */
  static Optional<Pair> twoHopPair(TopologySpec topo) {
    PathFinder finder = new PathFinder(topo.toGraph());
    for (StationSpec a : topo.stations()) {
      for (StationSpec b : topo.stations()) {
        if (a.id().equals(b.id()) || topo.saesOf(a.id()).isEmpty() || topo.saesOf(b.id()).isEmpty()
            || finder.shortestPath(a.id(), b.id()).map(List::size).orElse(0) != 3) {
          continue;
        }
        for (SaeSpec m : topo.saesOf(a.id())) {
          for (SaeSpec sl : topo.saesOf(b.id())) {
            if (topo.pairAllowed(m.id(), sl.id())) {
              return Optional.of(new Pair(m.id(), a.id(), sl.id(), b.id()));
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private List<Phase> runScenario(LocalNetwork net, String name, Pair pair, boolean withDec)
      throws InterruptedException {
    SSLContext masterTls = net.saeTls(pair.master());
    SSLContext slaveTls = withDec ? net.saeTls(pair.slave()) : null;
    URI enc = URI.create(net.etsi014Url(pair.masterStation()) + "/api/v1/keys/" + pair.slave() + "/enc_keys");
    URI dec = URI.create(net.etsi014Url(pair.slaveStation()) + "/api/v1/keys/" + pair.master() + "/dec_keys");
    List<Phase> phases = new ArrayList<>();
    for (int t : threads) {
      Client[] clients = new Client[t];
      for (int i = 0; i < t; i++) {
        clients[i] = new Client(httpClient(masterTls), withDec ? httpClient(slaveTls) : null, enc, dec, keySize);
      }
      String label = String.format(Locale.ROOT, "%s, %d thread%s", name, t, t == 1 ? "" : "s");
      int warm = warmup == 0 ? 0 : Math.max(warmup, t);
      if (warm > 0 || warmupSeconds > 0) {
        say("%s: warming up (%d %s, at least %d s)", label, warm, withDec ? "pairs" : "requests", warmupSeconds);
        Phase w = runPhase(label + " warm-up", clients, warm, withDec, warmupSeconds);
        if (w.mismatches > 0 || w.errors() > 0) {
          say("%s: warm-up had %d error(s) %s%s", label, w.errors(), w.errors,
              w.mismatches > 0 ? " and " + w.mismatches + " MISMATCH(ES)" : "");
        }
        // a mismatch is an error wherever it happens: carried into the measured phase's count
        Phase m = measure(label, clients, withDec);
        m.mismatches += w.mismatches;
        m.warmedUp = w;
        phases.add(m);
      } else {
        phases.add(measure(label, clients, withDec));
      }
    }
    return phases;
  }

  private Phase measure(String label, Client[] clients, boolean withDec) throws InterruptedException {
    say("%s: measuring %d %s", label, requests, withDec ? "pairs" : "requests");
    syncs.take(); // from here on: the measured requests' synced writes
    Phase p = runPhase(label, clients, requests, withDec, 0);
    p.synced = syncs.take();
    say("%s: %d ok in %.2f s -> %.0f %s/s, p50 %.3f ms, p99 %.3f ms, %d error(s)%s, %d retries%s, %d mismatch(es)%s, "
        + "%s", label, p.ok, p.seconds, p.perSecond(), withDec ? "pairs" : "requests", p.p50Ms(), p.p99Ms(),
        p.errors(), p.errors.isEmpty() ? "" : " " + p.errors, p.retries,
        p.retryReasons.isEmpty() ? "" : " " + p.retryReasons, p.mismatches,
        p.stoppedByTime ? ", STOPPED at --max-seconds" : "", p.versions.isEmpty() ? "no answer" : String.join(",", p.versions));
    say("%s: synced writes of the stores %.2f per %s (%s), a writer's wait p50 %.0f us, %d fsyncs for %d writes",
        label, p.syncedPerRequest(), withDec ? "pair" : "request", p.synced.perStation(), p.synced.waitP50Us(),
        p.synced.fsyncs().getTotalCount(), p.synced.writes());
    return p;
  }

  /**
   * {@code n} requests (pairs) over {@code clients.length} threads, each thread with its own
   * client, and more until {@code minSeconds} have passed; bounded by {@code --max-seconds}.
   */
  private Phase runPhase(String label, Client[] clients, int n, boolean withDec, int minSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos();
    long until = System.nanoTime() + Duration.ofSeconds(Math.min(minSeconds, maxSeconds)).toNanos();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Worker[] workers = new Worker[clients.length];
    Thread[] threadsRun = new Thread[clients.length];
    long start = System.nanoTime();
    for (int i = 0; i < clients.length; i++) {
      Worker w = new Worker(clients[i], withDec, deadline, n, until, next, done);
      workers[i] = w;
      threadsRun[i] = new Thread(w, "bench-etsi-" + i);
      threadsRun[i].setDaemon(true);
      threadsRun[i].start();
    }
    // a thread past the deadline finishes its operation in flight: at most two requests' timeouts
    long joinBy = deadline + REQUEST_TIMEOUT.multipliedBy(2).plusSeconds(5).toNanos();
    long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
    for (Thread t : threadsRun) {
      while (t.isAlive() && System.nanoTime() < joinBy) {
        t.join(200);
        if (System.nanoTime() > nextProgress) {
          say("%s: %d/%d done", label, done.get(), n);
          nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        }
      }
    }
    for (Thread t : threadsRun) {
      if (t.isAlive()) {
        t.interrupt();
        t.join(5_000);
      }
    }
    Phase p = new Phase(clients.length, n, (System.nanoTime() - start) / 1e9);
    for (Worker w : workers) {
      p.add(w);
    }
    p.stoppedByTime = p.ok + p.errors() + p.mismatches < n;
    return p;
  }

  private static HttpClient httpClient(SSLContext tls) {
    // the default version (HTTP/2 preferred, negotiated by ALPN): the answers tell what the server chose
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** One application (a pair of them in two_hop_pair): its connections and its requests. */
  private static final class Client {
    final HttpClient master;
    final HttpClient slave;
    final URI enc;
    final URI dec;
    final byte[] encBody;

    Client(HttpClient master, HttpClient slave, URI enc, URI dec, int keyBits) {
      this.master = master;
      this.slave = slave;
      this.enc = enc;
      this.dec = dec;
      ObjectNode body = BenchJson.MAPPER.createObjectNode().put("number", 1).put("size", keyBits);
      this.encBody = body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Counts and latencies of requests: a worker's own while it runs, a phase's merged from them. */
  private static class Figures {
    final Histogram micros = new Histogram(3);
    final Map<String, Long> errors = new TreeMap<>();
    final TreeSet<String> versions = new TreeSet<>();
    final Map<String, String> ioMessages = new TreeMap<>();
    final Map<String, Long> retryReasons = new TreeMap<>();
    long ok;
    long retries;
    long mismatches;

    void add(Figures w) {
      micros.add(w.micros);
      w.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
      versions.addAll(w.versions);
      w.ioMessages.forEach(ioMessages::putIfAbsent);
      w.retryReasons.forEach((k, v) -> retryReasons.merge(k, v, Long::sum));
      ok += w.ok;
      retries += w.retries;
      mismatches += w.mismatches;
    }

    long errors() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** One client thread's loop and figures (merged after the phase; no sharing while it runs). */
  private static final class Worker extends Figures implements Runnable {
    final Client c;
    final boolean withDec;
    final long deadline;
    final int n;
    /** Requests go on past {@code n} until then (a warm-up by time); never past {@code deadline}. */
    final long until;
    final AtomicInteger next;
    final AtomicInteger done;

    Worker(Client c, boolean withDec, long deadline, int n, long until, AtomicInteger next, AtomicInteger done) {
      this.c = c;
      this.withDec = withDec;
      this.deadline = deadline;
      this.n = n;
      this.until = until;
      this.next = next;
      this.done = done;
    }

    @Override
    public void run() {
      try {
        while (System.nanoTime() < deadline && (next.getAndIncrement() < n || System.nanoTime() < until)) {
          long t0 = System.nanoTime();
          if (withDec ? pair() : single()) {
            ok++;
            micros.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
          }
          done.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the phase is over
      }
    }

    /** enc_keys alone: true when one key of the asked size came back. */
    private boolean single() throws InterruptedException {
      Answer a = send(c.master, c.enc, c.encBody);
      if (a.status != 200) {
        error(a.errorKey());
        return false;
      }
      Key k = oneKey(a.body, null);
      if (k == null) {
        error("bad-body");
        return false;
      }
      k.zeroize();
      return true;
    }

    /** enc_keys at the master's station, dec_keys by that key_ID at the slave's; true when they match. */
    private boolean pair() throws InterruptedException {
      Answer a = send(c.master, c.enc, c.encBody);
      if (a.status != 200) {
        error(a.errorKey());
        return false;
      }
      Key mk = oneKey(a.body, null);
      if (mk == null) {
        error("bad-body");
        return false;
      }
      try {
        ObjectNode body = BenchJson.MAPPER.createObjectNode();
        body.putArray("key_IDs").addObject().put("key_ID", mk.id);
        Answer d = send(c.slave, c.dec, body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (d.status != 200) {
          error(d.errorKey());
          return false;
        }
        Key sk = oneKey(d.body, mk.id);
        if (sk == null) {
          // a 200 without our key_ID's key: the slave did not get the master's key
          mismatches++;
          return false;
        }
        try {
          // constant time; neither key nor any digest of it leaves this method
          if (!MessageDigest.isEqual(mk.bytes, sk.bytes)) {
            mismatches++;
            return false;
          }
          return true;
        } finally {
          sk.zeroize();
        }
      } finally {
        mk.zeroize();
      }
    }

    private void error(String key) {
      errors.merge(key, 1L, Long::sum);
    }

    /** One request; a 503 retried after a short sleep, at most MAX_RETRIES times and not past the deadline. */
    private Answer send(HttpClient http, URI uri, byte[] body) throws InterruptedException {
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      for (int attempt = 0; ; attempt++) {
        HttpResponse<byte[]> r;
        try {
          r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
          // transport failure (no status): counted by exception kind, its first message kept for the report
          String kind = "io:" + e.getClass().getSimpleName();
          ioMessages.putIfAbsent(kind, String.valueOf(e.getMessage()));
          return new Answer(-1, kind, new byte[0]);
        }
        versions.add(versionName(r.version()));
        if (r.statusCode() == 503 && attempt < MAX_RETRIES
            && System.nanoTime() + RETRY_SLEEP_MILLIS * 1_000_000 < deadline) {
          retries++;
          retryReasons.merge(reason503(r.body()), 1L, Long::sum);
          Thread.sleep(RETRY_SLEEP_MILLIS); // the ETSI 014 "come back later": key not there yet
          continue;
        }
        return new Answer(r.statusCode(), null, r.body());
      }
    }
  }

  /** The reason of a 503 answer (ETSI 014 error body: details[0].reason), "503" when it names none. */
  private static String reason503(byte[] body) {
    try {
      String r = BenchJson.MAPPER.readTree(body).path("details").path(0).path("reason").asText("");
      return r.isEmpty() ? "503" : r;
    } catch (IOException | RuntimeException e) {
      return "503";
    }
  }

  private static String versionName(HttpClient.Version v) {
    return v == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1";
  }

  /** An answer's status (-1: no answer, {@code ioKind} says why) and body. */
  private record Answer(int status, String ioKind, byte[] body) {
    String errorKey() {
      return status < 0 ? ioKind : Integer.toString(status);
    }
  }

  /** A key as delivered: its id and bytes, zeroized after the comparison. Never printed. */
  private static final class Key {
    final String id;
    final byte[] bytes;

    Key(String id, byte[] bytes) {
      this.id = id;
      this.bytes = bytes;
    }

    void zeroize() {
      Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public String toString() {
      return "Key[" + id + "]"; // never the bytes
    }
  }

  /** The only key of an answer ({@code id} when given must be its key_ID); null if there is not exactly one. */
  private static Key oneKey(byte[] body, String id) {
    try {
      JsonNode keys = BenchJson.MAPPER.readTree(body).path("keys");
      if (!keys.isArray() || keys.size() != 1) {
        return null;
      }
      String keyId = keys.get(0).path("key_ID").asText("");
      String b64 = keys.get(0).path("key").asText("");
      if (keyId.isEmpty() || b64.isEmpty() || (id != null && !id.equals(keyId))) {
        return null;
      }
      return new Key(keyId, Base64.getDecoder().decode(b64));
    } catch (IOException | IllegalArgumentException e) {
      return null;
    } finally {
      Arrays.fill(body, (byte) 0);
    }
  }

  /** A phase's figures, merged from its workers. */
  private static final class Phase extends Figures {
    final int threads;
    final int requested;
    final double seconds;
    boolean stoppedByTime;
    /** The warm-up before this phase, if there was one. */
    Phase warmedUp;
    /** The stores' synced writes while measuring. */
    StoreSyncs.Interval synced;

    Phase(int threads, int requested, double seconds) {
      this.threads = threads;
      this.requested = requested;
      this.seconds = seconds;
    }

    double perSecond() {
      return ok / seconds;
    }

    /** Synced writes per successful request (pair), at every station together. */
    double syncedPerRequest() {
      return ok == 0 ? 0 : synced.writes() / (double) ok;
    }

    double p50Ms() {
      return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(50) / 1000.0;
    }

    double p99Ms() {
      return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(99) / 1000.0;
    }
  }

  // ---------------------------------------------------------------- readiness (bounded, with progress)

  private void waitForCluster(LocalNetwork net, int total, long deadline, Duration timeout)
      throws InterruptedException {
    int lastShown = -1;
    while (true) {
      int min = net.leastLiveMembers();
      if (min >= total) {
        say("cluster formed: every station sees %d live members", total);
        return;
      }
      if (min != lastShown) {
        say("cluster forming: least-informed station sees %d/%d members", min, total);
        lastShown = min;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cluster did not form within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(250); // waiting for the cluster to form
    }
  }

  private List<List<String>> waitForRoutes(LocalNetwork net, Pair p, long deadline, Duration timeout)
      throws InterruptedException {
    say("waiting for a route %s -> %s (members Up, link state published, key on every link)", p.masterStation(),
        p.slaveStation());
    while (true) {
      try {
        List<List<String>> r = net.awaitRoutes(p.masterStation(), p.slaveStation(), p.master(), p.slave(),
            Duration.ofSeconds(2));
        say("route%s %s -> %s: %s", r.size() == 1 ? "" : "s", p.master(), p.slave(), labels(r));
        return r;
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no route " + p.masterStation() + " -> " + p.slaveStation() + " within "
              + timeout.toSeconds() + " s: " + e.getMessage());
        }
        say("no route yet: %s", e.getMessage());
      }
    }
  }

  private void waitForPools(LocalNetwork net, List<List<String>> routes, long deadline, Duration timeout)
      throws InterruptedException {
    int most = Arrays.stream(threads).max().orElse(1);
    long need = Math.min(128L * 1024, 16L * (keySize / 8 + 32) * most);
    long lastReport = 0;
    while (true) {
      LocalNetwork.PoolLevels pools = net.poolLevels(routes);
      long min = pools.min();
      String levels = pools.levels();
      if (min >= need) {
        say("pools ready on every hop (need %d B):%s", need, levels);
        return;
      }
      if (System.nanoTime() - lastReport > 2_000_000_000L) {
        say("pools filling (need %d B):%s", need, levels);
        lastReport = System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("key pools did not fill within " + timeout.toSeconds() + " s:" + levels);
      }
      Thread.sleep(250); // waiting for pools to fill
    }
  }

  // ---------------------------------------------------------------- output

  private void printSummary(TopologySpec topo, Optional<Pair> same, Optional<Pair> twoHop,
      List<List<String>> planned, Map<String, List<Phase>> results, String httpVersion, int cores,
      String sameSkipped, String twoHopSkipped) {
    out.println();
    out.println("================ qnode bench etsi summary ================");
    out.printf(Locale.ROOT, "ETSI GS QKD 014 over HTTPS with mutual TLS, %s negotiated; enc_keys number=1, size=%d; "
        + "%s, device %s; %d cores, Java %s%n", httpVersion, keySize, topo.name(), device, cores,
        System.getProperty("java.version"));
    out.printf(Locale.ROOT, "%-13s: %s%n", SAME_STATION, same.map(p -> p.master() + " -> " + p.slave() + ", both at "
        + p.masterStation() + " (enc_keys)").orElse("skipped: " + sameSkipped));
    out.printf(Locale.ROOT, "%-13s: %s%n", TWO_HOP_PAIR, twoHop.map(p -> p.master() + " at " + p.masterStation()
        + " -> " + p.slave() + " at " + p.slaveStation() + ", route " + labels(planned)
        + " (enc_keys, then dec_keys by key_ID; keys compared)").orElse("skipped: " + twoHopSkipped));
    out.printf(Locale.ROOT, "%-13s %7s %8s %10s %9s %9s %7s %8s %10s %8s  %s%n", "scenario", "threads", "done",
        "per s", "p50 ms", "p99 ms", "errors", "retries", "mismatches", "seconds", "http");
    for (Map.Entry<String, List<Phase>> e : results.entrySet()) {
      for (Phase p : e.getValue()) {
        out.printf(Locale.ROOT, "%-13s %7d %8d %10.1f %9.3f %9.3f %7d %8d %10s %8.2f  %s%s%n", e.getKey(), p.threads,
            p.ok, p.perSecond(), p.p50Ms(), p.p99Ms(), p.errors(), p.retries,
            e.getKey().equals(SAME_STATION) ? "-" : Long.toString(p.mismatches), p.seconds,
            p.versions.isEmpty() ? "-" : String.join(",", p.versions),
            p.stoppedByTime ? "  (stopped at --max-seconds: " + p.ok + "/" + p.requested + ")" : "");
        if (!p.errors.isEmpty()) {
          out.printf(Locale.ROOT, "%-13s %7s errors by status: %s%n", "", "", p.errors);
          p.ioMessages.forEach((k, m) -> out.printf(Locale.ROOT, "%-13s %7s   %s, first: %s%n", "", "", k, m));
        }
        if (!p.retryReasons.isEmpty()) {
          out.printf(Locale.ROOT, "%-13s %7s 503 retries by reason: %s%n", "", "", p.retryReasons);
        }
        if (p.mismatches > 0) {
          out.printf(Locale.ROOT, "%-13s %7s ERROR: %d key pair(s) differed between master and slave%n", "", "",
              p.mismatches);
        }
      }
    }
    out.println("per s: requests/s (same_station) or pairs/s (two_hop_pair); latency of each (a pair: enc_keys "
        + "sent to dec_keys answered), 503 retries included");
    out.println("==========================================================");
    out.flush();
  }

  private void putScenario(BenchJson o, String name, Optional<Pair> pair, String skipped, List<Phase> phases,
      List<List<String>> routes) {
    ArrayNode arr = o.node().putArray(name);
    for (Phase p : phases == null ? List.<Phase>of() : phases) {
      BenchJson row = new BenchJson().put("threads", p.threads).put("requests", p.ok)
          .put("seconds", p.seconds, 3).put("per_second", p.perSecond(), 1)
          .put("p50_ms", p.p50Ms(), 3).put("p99_ms", p.p99Ms(), 3)
          .put("errors", p.errors()).put("mismatches", p.mismatches)
          .put("retries", p.retries).put("requested", p.requested)
          .put("http_version", p.versions.isEmpty() ? "none" : String.join(",", p.versions));
      row.node().put("stopped_by_time", p.stoppedByTime);
      if (p.warmedUp != null) {
        row.put("warmup_requests", p.warmedUp.ok).put("warmup_ran_seconds", p.warmedUp.seconds, 3);
      }
      if (p.synced != null) {
        row.put("synced_writes", p.synced.writes()).put("synced_writes_per_request", p.syncedPerRequest(), 3)
            .put("store_sync_wait_p50_us", p.synced.waitP50Us(), 1);
      }
      ObjectNode byStatus = row.node().putObject("errors_by_status");
      p.errors.forEach(byStatus::put);
      ObjectNode byReason = row.node().putObject("retries_by_reason");
      p.retryReasons.forEach(byReason::put);
      arr.add(row.node());
    }
    ObjectNode who = o.node().putObject(name + "_setup");
    if (pair.isPresent()) {
      who.put("master", pair.get().master()).put("master_station", pair.get().masterStation())
          .put("slave", pair.get().slave()).put("slave_station", pair.get().slaveStation());
      if (!routes.isEmpty()) {
        ArrayNode r = who.putArray("routes");
        routes.forEach(x -> r.add(String.join(">", x)));
      }
    } else {
      who.put("skipped", skipped);
    }
  }

  private String threadList() {
    return String.join(",", Arrays.stream(threads).mapToObj(Integer::toString).toList());
  }

  private static String labels(List<List<String>> routes) {
    return routes.isEmpty() ? "-" : String.join(", ", routes.stream().map(r -> String.join(">", r)).toList());
  }

  private void say(String fmt, Object... args) {
    out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, String.format(Locale.ROOT, fmt, args));
    out.flush();
  }

  /** Removes the network's work directory (its key stores and certificates); best effort. */
  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          // left behind; the temp directory is named qnode-bench-etsi-*
        }
      });
    } catch (IOException e) {
      // nothing to remove
    }
  }
}
