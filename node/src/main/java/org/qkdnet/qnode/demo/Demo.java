package org.qkdnet.qnode.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.qkdnet.qnode.config.LinkSpec;
import org.qkdnet.qnode.config.RelaySettings;
import org.qkdnet.qnode.config.Role;
import org.qkdnet.qnode.config.SaeSpec;
import org.qkdnet.qnode.config.StationSpec;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.crypto.Sm4Gcm;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.StreamId;
import org.qkdnet.qnode.routing.PathFinder;
import org.qkdnet.qnode.sae.Etsi014Client;
import org.qkdnet.qnode.link.bb84.LinkStats;
import org.qkdnet.qnode.station.Station;

/**
 * The main job: the whole backbone on loopback, then two applications sharing keys across it
 * over ETSI 014. Progress goes to {@code out}; the return value is the process exit code.
 */
public final class Demo {
  /** What the demo was asked to do. */
  public record Options(Config config, Path workDir, int keys, int keysPerRequest, int keySizeBits,
      String masterStation, String slaveStation, Path summaryJson, boolean keepRunning) {}

  // Bounded waits, generous for a loaded 2-core machine: with bb84-sim links the 25 stations'
  // post-processing (and its JIT warm-up) shares the cores with cluster formation; measured
  // 18-66 s to form and 37-64 s more until the route's pools held key. Routes exist only once
  // members are Up, link state is published and every link of the route holds key, so their wait
  // takes most of what the pools' wait used to.
  private static final Duration FORM_TIMEOUT = Duration.ofSeconds(180);
  // Since issue 12 a link's first key comes only when its first finite-key block closes: on two
  // cores the 78 km link of the demo's route needs 2-4 minutes of frames for it.
  private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(600);
  private static final Duration POOL_TIMEOUT = Duration.ofSeconds(240);
  /** How often the route wait reports the planner's reason while there is no route. */
  private static final Duration ROUTE_PROGRESS = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(250);

  private final Options o;
  private final PrintStream out;
  private final long t0 = System.nanoTime();

  public Demo(Options options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  public int run() throws IOException, InterruptedException {
    TopologySpec topo = TopologySpec.fromConfig(o.config());
    String master = pickSae(topo, o.masterStation());
    String slave = pickSae(topo, o.slaveStation());
    int plannedPaths = topo.pathsFor(master, slave).orElse(RelaySettings.create(o.config()).paths());
    String noDisjoint = disjointRoutesProblem(topo, o.masterStation(), o.slaveStation(), plannedPaths);
    if (noDisjoint != null) {
      throw new IllegalStateException(noDisjoint); // before any station starts
    }
    say("topology %s: %d stations (%d backbone), %d fiber links, %.0f km; work dir %s",
        topo.name(), topo.stations().size(), topo.stationsWithRole(Role.BACKBONE).size(), topo.links().size(),
        topo.totalKm(), o.workDir());
    say("%s", org.qkdnet.qnode.link.BackgroundPriority.describe());

    AtomicInteger up = new AtomicInteger();
    int total = topo.stations().size();
    try (LocalNetwork net = LocalNetwork.start(o.config(), o.workDir(),
        id -> say("[%2d/%d] station %s up", up.incrementAndGet(), total, id))) {
      say("all %d stations running; waiting for the cluster to form", total);
      waitForCluster(net, total);
      say("cluster formed: every station sees %d live members (%.1f s)", total, elapsed());

      int n = o.keys();
      long perRelay = (long) Math.min(n, o.keysPerRequest()) * (o.keySizeBits() / 8) + 32;
      // what the stations themselves use for this pair (the topology's sae-pairs, else qnode.relay.paths)
      int paths = topo.pathsFor(master, slave)
          .orElse(net.station(o.masterStation()).settings().relay().paths());
      say("waiting for %s %s -> %s (members Up, link state published, key on every link)",
          paths == 1 ? "a route" : paths + " node-disjoint routes", o.masterStation(), o.slaveStation());
      List<List<String>> planned = waitForRoutes(net, master, slave, paths);
      for (int i = 0; i < planned.size(); i++) {
        List<String> r = planned.get(i);
        say("%s %s -> %s: %s (%d hops)", planned.size() == 1 ? "route" : "route " + (i + 1) + "/" + planned.size(),
            master, slave, String.join(" -> ", r), r.size() - 1);
      }
      say("waiting for key pools on %s", planned.size() == 1 ? "the route" : "the routes");
      waitForPools(net, planned, perRelay);

      Etsi014Client masterApp = new Etsi014Client(net.etsi014Url(o.masterStation()), net.saeTls(master),
          Duration.ofSeconds(10));
      Etsi014Client slaveApp = new Etsi014Client(net.etsi014Url(o.slaveStation()), net.saeTls(slave),
          Duration.ofSeconds(10));

      Histogram requestMicros = new Histogram(60_000_000L, 3);
      List<Etsi014Client.Key> sent = new ArrayList<>();
      double firstKeyAt = Double.NaN;
      // a refused or failed request waits for the simulated links to deliver more key, then retries
      Attempts attempts = new Attempts(Math.max(10, n / 5), Duration.ofMillis(500), line -> say("%s", line));
      while (sent.size() < n && !attempts.exhausted()) {
        int batch = Math.min(o.keysPerRequest(), n - sent.size());
        long start = System.nanoTime();
        Optional<List<Etsi014Client.Key>> got = attempts.attempt("enc_keys",
            () -> masterApp.encKeys(slave, batch, o.keySizeBits()));
        if (got.isPresent()) {
          requestMicros.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
          sent.addAll(got.get());
          if (Double.isNaN(firstKeyAt)) {
            firstKeyAt = elapsed();
            say("first key delivered to %s after %.1f s", master, firstKeyAt);
          }
        }
        if (sent.size() % 20 == 0 || sent.size() == n) {
          say("keys delivered to master: %d/%d", sent.size(), n);
        }
      }

      int matched = 0;
      List<Etsi014Client.Key> received = new ArrayList<>();
      for (int i = 0; i < sent.size(); i += o.keysPerRequest()) {
        List<Etsi014Client.Key> chunk = sent.subList(i, Math.min(sent.size(), i + o.keysPerRequest()));
        // a fetch that got no answer or a 503 is retried (its keys stay until an answer is sent);
        // the keys of one refused otherwise are missing below, and the demo fails
        Attempts.Call<List<Etsi014Client.Key>> fetch =
            () -> slaveApp.decKeys(master, chunk.stream().map(Etsi014Client.Key::keyId).toList());
        Optional<List<Etsi014Client.Key>> got = attempts.attempt("dec_keys", fetch);
        while (got.isEmpty() && attempts.lastMayPass() && !attempts.exhausted()) {
          got = attempts.attempt("dec_keys", fetch);
        }
        got.ifPresent(received::addAll);
      }
      for (Etsi014Client.Key s : sent) {
        for (Etsi014Client.Key r : received) {
          if (r.keyId().equals(s.keyId()) && r.key().contentEquals(s.key())) {
            matched++;
            break;
          }
        }
      }
      say("slave %s fetched %d keys by key_ID; %d/%d identical to the master's", slave, received.size(),
          matched, sent.size());

      boolean sm4Ok = !sent.isEmpty() && !received.isEmpty() && sm4RoundTrip(sent.get(0), received);
      Station origin = net.station(o.masterStation());
      double p50 = origin.relayStats().latencyMillis(50);
      double p99 = origin.relayStats().latencyMillis(99);
      // the routes of the last delivered relay; the planned ones if nothing was delivered
      List<List<String>> routes = origin.relayStats().delivered() > 0 ? origin.relayStats().lastRoutes() : planned;
      ObjectNode summary = summary(net, topo, paths, routes, origin.relayStats().routeUses(), n, sent.size(),
          matched, p50, p99, firstKeyAt, requestMicros, sm4Ok);
      printSummary(summary, net, topo);
      if (o.summaryJson() != null) {
        Path parent = o.summaryJson().toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Path tmp = o.summaryJson().resolveSibling(o.summaryJson().getFileName() + ".tmp");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), summary);
        Files.move(tmp, o.summaryJson(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        say("summary written to %s", o.summaryJson());
      }
      sent.forEach(k -> k.key().zeroize());
      received.forEach(k -> k.key().zeroize());
      boolean ok = sent.size() == n && matched == n && sm4Ok;
      say(ok ? "DEMO PASSED: %d/%d keys delivered and matched" : "DEMO FAILED: %d/%d keys matched", matched, n);
      if (o.keepRunning()) {
        sandbox(net, topo, master, slave);
      }
      return ok ? 0 : 1;
    }
  }

  private static String pickSae(TopologySpec topo, String station) {
    List<SaeSpec> saes = topo.saesOf(station);
    if (saes.isEmpty()) {
      throw new IllegalArgumentException("station " + station + " has no SAE in the registry");
    }
    return saes.get(0).id();
  }

  /** Restarts of one station while the cluster forms before the demo gives up. */
  private static final int MAX_RESTARTS_WHILE_FORMING = 2;

  private void waitForCluster(LocalNetwork net, int total) throws InterruptedException {
    long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
    int lastShown = -1;
    Map<String, Integer> restarts = new HashMap<>();
    while (true) {
      // a station that stopped on its own while the cluster formed (25 stations starting on two
      // cores: one starved of CPU can be downed) is restarted, as a supervisor would, a bounded
      // number of times; otherwise the cluster could never show all its members
      for (Map.Entry<String, String> r : net.restartFailedClosed().entrySet()) {
        int n = restarts.merge(r.getKey(), 1, Integer::sum);
        if (n > MAX_RESTARTS_WHILE_FORMING) {
          throw new IllegalStateException("station " + r.getKey() + " stopped " + n + " times while the cluster formed"
              + " (last: " + r.getValue() + ")");
        }
        say("station %s stopped while the cluster formed (%s); restarted it (%d/%d)", r.getKey(), r.getValue(), n,
            MAX_RESTARTS_WHILE_FORMING);
      }
      int min = net.leastLiveMembers();
      if (min >= total) {
        return;
      }
      if (min != lastShown) {
        say("cluster forming: least-informed station sees %d/%d members", min, total);
        lastShown = min;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cluster did not form within " + FORM_TIMEOUT.toSeconds() + " s");
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * The route(s) the demo pair's keys would take now, waiting (bounded) until the master's station
   * has them; reports the planner's reason every few seconds meanwhile.
   */
  private List<List<String>> waitForRoutes(LocalNetwork net, String master, String slave, int paths)
      throws InterruptedException {
    long deadline = System.nanoTime() + ROUTE_TIMEOUT.toNanos();
    // awaitRoutes says "no route A -> B within N s: <the planner's single-route summary>"
    String prefix = "no route " + o.masterStation() + " -> " + o.slaveStation() + " within "
        + ROUTE_PROGRESS.toSeconds() + " s: ";
    while (true) {
      try {
        return net.awaitRoutes(o.masterStation(), o.slaveStation(), master, slave, ROUTE_PROGRESS);
      } catch (IllegalStateException e) {
        String msg = String.valueOf(e.getMessage());
        String planner = msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg;
        String why = paths == 1 ? "no route yet (" + planner + ")"
            : "fewer than " + paths + " node-disjoint routes yet (single-route planner: " + planner + ")";
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("routes " + o.masterStation() + " -> " + o.slaveStation()
              + " did not appear within " + ROUTE_TIMEOUT.toSeconds() + " s: " + why);
        }
        say("waiting for routes: %s", why);
      }
    }
  }

  /**
   * Null if {@code topo} has {@code paths} node-disjoint routes between the two stations (always
   * for one path in a connected topology), else why not: checked before anything starts.
   */
  public static String disjointRoutesProblem(TopologySpec topo, String from, String to, int paths) {
    PathFinder finder = new PathFinder(topo.toGraph());
    if (paths <= 1) {
      return finder.shortestPath(from, to).isPresent() ? null
          : "topology " + topo.name() + " has no route between " + from + " and " + to;
    }
    List<List<String>> found = finder.nodeDisjointPaths(from, to, paths);
    if (found.size() >= paths) {
      return null;
    }
    return "topology " + topo.name() + " has no " + paths + " node-disjoint routes between " + from + " and " + to
        + " (routes sharing no station but the ends; found " + found.size()
        + (found.isEmpty() ? "" : ": " + String.join(" -> ", found.get(0))) + "): a key over " + paths
        + " paths cannot be relayed";
  }

  private void waitForPools(LocalNetwork net, List<List<String>> routes, long bytesPerHop)
      throws InterruptedException {
    long deadline = System.nanoTime() + POOL_TIMEOUT.toNanos();
    long lastReport = 0;
    while (true) {
      LocalNetwork.PoolLevels pools = net.poolLevels(routes);
      long min = pools.min();
      String levels = pools.levels();
      if (min >= bytesPerHop) {
        say("pools ready on every hop:%s", levels);
        return;
      }
      if (System.nanoTime() - lastReport > 2_000_000_000L) {
        say("pools filling:%s", levels);
        lastReport = System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("key pools on the route" + (routes.size() == 1 ? "" : "s")
            + " did not fill within " + POOL_TIMEOUT.toSeconds() + " s:" + levels);
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private boolean sm4RoundTrip(Etsi014Client.Key masterKey, List<Etsi014Client.Key> received) {
    Etsi014Client.Key slaveKey = received.stream().filter(k -> k.keyId().equals(masterKey.keyId()))
        .findFirst().orElse(null);
    if (slaveKey == null) {
      return false;
    }
    byte[] nonce = new byte[12];
    new SecureRandom().nextBytes(nonce);
    byte[] message = "Toll record 鄂A-12345, Wuhan -> Yichang, 2026-11-29".getBytes(StandardCharsets.UTF_8);
    byte[] aad = masterKey.keyId().getBytes(StandardCharsets.UTF_8);
    try (KeyMaterial k1 = masterKey.key().slice(0, 16); KeyMaterial k2 = slaveKey.key().slice(0, 16)) {
      byte[] ct = Sm4Gcm.encrypt(k1, nonce, message, aad);
      byte[] pt = Sm4Gcm.decrypt(k2, nonce, ct, aad);
      boolean ok = Arrays.equals(pt, message);
      say("SM4-GCM with key %s: %d-byte message encrypted at the master, decrypted at the slave: %s",
          masterKey.keyId(), message.length, ok ? "identical" : "MISMATCH");
      return ok;
    } catch (Exception e) {
      say("SM4-GCM round trip failed: %s", e.getClass().getSimpleName());
      return false;
    }
  }

  /** "ALP>BRA>CHA": how the summary names a route. */
  public static String label(List<String> route) {
    return String.join(">", route);
  }

  private ObjectNode summary(LocalNetwork net, TopologySpec topo, int paths, List<List<String>> routes,
      Map<List<String>, Long> routeUses, int requested, int delivered, int matched, double p50, double p99,
      double firstKeyAt, Histogram requestMicros, boolean sm4Ok) {
    List<String> route = routes.get(0);
    ObjectMapper m = new ObjectMapper();
    ObjectNode s = m.createObjectNode();
    s.put("topology", topo.name());
    s.put("keys_requested", requested);
    s.put("keys_delivered", delivered);
    s.put("keys_matched", matched);
    s.put("key_size_bits", o.keySizeBits());
    s.put("keys_per_request", o.keysPerRequest());
    ArrayNode r = s.putArray("route");
    route.forEach(r::add);
    s.put("hops", route.size() - 1);
    ArrayNode all = s.putArray("routes");
    for (List<String> x : routes) {
      ArrayNode a = all.addArray();
      x.forEach(a::add);
    }
    s.put("paths", paths);
    ObjectNode uses = s.putObject("route_uses");
    Map<String, Long> sorted = new TreeMap<>();
    routeUses.forEach((k, v) -> sorted.put(label(k), v));
    sorted.forEach(uses::put);
    ObjectNode lat = s.putObject("relay_latency_ms");
    num(lat, "p50", p50);
    num(lat, "p99", p99);
    num(lat, "per_hop_p50", p50 / (route.size() - 1));
    ObjectNode req = s.putObject("enc_keys_latency_ms");
    boolean none = requestMicros.getTotalCount() == 0;
    num(req, "p50", none ? Double.NaN : requestMicros.getValueAtPercentile(50) / 1000.0);
    num(req, "p99", none ? Double.NaN : requestMicros.getValueAtPercentile(99) / 1000.0);
    num(s, "first_key_after_s", firstKeyAt);
    s.put("wall_time_s", round(elapsed()));
    s.put("sm4_round_trip", sm4Ok);
    s.put("ca_cert", net.pkiDir().resolve("ca.crt").toAbsolutePath().toString());
    // the master's station: its map animates the demo's relays (a station sees the relays it starts)
    net.dashboardUrl(o.masterStation()).ifPresent(u -> s.put("dashboard_url", u));
    ArrayNode st = s.putArray("stations");
    for (StationSpec spec : topo.stations()) {
      ObjectNode e = st.addObject();
      e.put("id", spec.id());
      e.put("name", spec.name());
      e.put("role", spec.role().name().toLowerCase(Locale.ROOT));
      e.put("etsi014_url", net.etsi014Url(spec.id()));
      e.put("admin_target", net.adminTarget(spec.id()));
      net.station(spec.id()).metricsUrl().ifPresent(u -> e.put("metrics_url", u));
      net.dashboardUrl(spec.id()).ifPresent(u -> e.put("dashboard_url", u));
      ArrayNode saes = e.putArray("saes");
      topo.saesOf(spec.id()).forEach(x -> saes.add(x.id()));
    }
    ArrayNode saes = s.putArray("saes");
    for (SaeSpec sae : topo.saes()) {
      ObjectNode e = saes.addObject();
      e.put("id", sae.id());
      e.put("station", sae.stationId());
      e.put("cert", net.saeCert(sae.id()).toAbsolutePath().toString());
      e.put("key", net.saeKey(sae.id()).toAbsolutePath().toString());
    }
    ArrayNode operators = s.putArray("operators");
    for (String name : topo.operators()) {
      operators.addObject().put("name", name)
          .put("cert", net.operatorCert(name).toAbsolutePath().toString())
          .put("key", net.operatorKey(name).toAbsolutePath().toString());
    }
    ArrayNode links = s.putArray("links");
    for (LinkSpec l : topo.links()) {
      ObjectNode e = links.addObject();
      e.put("a", l.a());
      e.put("b", l.b());
      e.put("km", l.km());
      // bb84-sim links: figures measured at Bob's end (the higher id), which drives post-processing
      String bobId = l.a().compareTo(l.b()) > 0 ? l.a() : l.b();
      String aliceId = bobId.equals(l.a()) ? l.b() : l.a();
      Optional<LinkStats.Snapshot> pp = net.station(bobId).linkStats(aliceId);
      if (pp.isPresent()) {
        LinkStats.Snapshot f = pp.get();
        e.put("secure_bps", Math.round(f.secureBps()));
        e.put("raw_bps", Math.round(f.rawBps()));
        e.put("sifted_bps", Math.round(f.siftedBps()));
        num(e, "qber", f.framesDone() == 0 ? Double.NaN : Math.round(f.qberMean() * 1e5) / 1e5);
        num(e, "f", f.efficiencyMean());
        e.put("frames_done", f.framesDone());
        e.put("frames_dropped", f.framesDropped());
        ObjectNode reasons = e.putObject("drop_reasons");
        f.dropReasons().forEach(reasons::put);
      } else {
        e.put("secure_bps", Math.round(net.station(l.a()).links().get(l.b()).device().secureBitsPerSecond()));
        e.putNull("raw_bps");
        e.putNull("sifted_bps");
        e.putNull("qber");
        e.putNull("f");
        e.put("frames_dropped", 0);
      }
      e.put("pool_bytes_a", poolBytes(net.station(l.a()), l.b()));
      e.put("pool_bytes_b", poolBytes(net.station(l.b()), l.a()));
    }
    return s;
  }

  private static long poolBytes(Station s, String peer) {
    Ledger out = s.store().ledger(new StreamId(s.id(), peer));
    Ledger in = s.store().ledger(new StreamId(peer, s.id()));
    return out.available() + in.available();
  }

  private void printSummary(ObjectNode s, LocalNetwork net, TopologySpec topo) {
    out.println();
    out.println("================ qnode demo summary ================");
    for (int i = 0; i < s.get("routes").size(); i++) {
      List<String> stations = toList(s.get("routes").get(i));
      out.printf(Locale.ROOT, "%-17s: %s (%d hops)%n", i == 0 ? "route" : "route " + (i + 1),
          String.join(" -> ", stations), stations.size() - 1);
    }
    out.printf(Locale.ROOT, "paths            : %d%s%n", s.get("paths").asInt(), s.get("paths").asInt() == 1
        ? "" : " node-disjoint (each key the XOR of " + s.get("paths").asInt() + " shares, one per route)");
    List<String> uses = new ArrayList<>();
    s.get("route_uses").fields().forEachRemaining(e -> uses.add(e.getKey() + " " + e.getValue().asLong()));
    out.printf(Locale.ROOT, "route uses       : %s%n", uses.isEmpty() ? "none" : String.join(", ", uses));
    out.printf(Locale.ROOT, "keys             : %d requested, %d delivered, %d matched (%d bits each)%n",
        s.get("keys_requested").asInt(), s.get("keys_delivered").asInt(), s.get("keys_matched").asInt(),
        o.keySizeBits());
    out.printf(Locale.ROOT, "relay latency    : p50 %.2f ms, p99 %.2f ms end to end (%.2f ms per hop p50)%n",
        s.get("relay_latency_ms").get("p50").asDouble(), s.get("relay_latency_ms").get("p99").asDouble(),
        s.get("relay_latency_ms").get("per_hop_p50").asDouble());
    out.printf(Locale.ROOT, "first key after  : %.1f s; wall time %.1f s%n", s.get("first_key_after_s").asDouble(),
        s.get("wall_time_s").asDouble());
    out.printf(Locale.ROOT, "SM4-GCM          : %s%n", s.get("sm4_round_trip").asBoolean() ? "ok" : "FAILED");
    if (s.has("dashboard_url")) {
      out.printf(Locale.ROOT, "dashboard        : %s (operator certificate)%n", s.get("dashboard_url").asText());
    }
    out.println("links: secure rate, pool levels (unused bytes at each end); bb84-sim links also raw and");
    out.println("sifted rates, QBER, Cascade efficiency f and frames dropped (measured at Bob's end):");
    for (var l : s.get("links")) {
      out.printf(Locale.ROOT, "  %-4s - %-4s %5.0f km %9.3f Mbit/s   %9d B | %9d B", l.get("a").asText(),
          l.get("b").asText(), l.get("km").asDouble(), l.get("secure_bps").asDouble() / 1e6,
          l.get("pool_bytes_a").asLong(), l.get("pool_bytes_b").asLong());
      if (!l.get("raw_bps").isNull()) {
        out.printf(Locale.ROOT, "   raw %8.3f  sifted %8.3f Mbit/s  QBER %s  f %s  dropped %d",
            l.get("raw_bps").asDouble() / 1e6, l.get("sifted_bps").asDouble() / 1e6,
            l.get("qber").isNull() ? "  -   " : String.format(Locale.ROOT, "%5.2f%%", 100 * l.get("qber").asDouble()),
            l.get("f").isNull() ? " -  " : String.format(Locale.ROOT, "%.3f", l.get("f").asDouble()),
            l.get("frames_dropped").asLong());
      }
      out.println();
    }
    out.println("=====================================================");
  }

  private static List<String> toList(com.fasterxml.jackson.databind.JsonNode arr) {
    List<String> l = new ArrayList<>();
    arr.forEach(x -> l.add(x.asText()));
    return l;
  }

  private void sandbox(LocalNetwork net, TopologySpec topo, String master, String slave) throws InterruptedException {
    out.println();
    out.println("Sandbox running (Ctrl-C to stop). CA: " + net.pkiDir().resolve("ca.crt"));
    out.println("Try, as application " + master + " at " + o.masterStation() + ":");
    out.printf("  curl --cacert %s --cert %s --key %s %s/api/v1/keys/%s/status%n",
        net.pkiDir().resolve("ca.crt"), net.saeCert(master), net.saeKey(master),
        net.etsi014Url(o.masterStation()), slave);
    out.println("Operate it (admin API, operator certificate):");
    out.printf("  bin/qnode admin --target %s --tls-dir %s status%n", net.adminTarget(o.masterStation()),
        net.pkiDir());
    net.dashboardUrl(o.masterStation()).ifPresent(u -> {
      out.println("Watch it live (import the operator certificate and " + net.pkiDir().resolve("ca.crt")
          + " into your browser; README: Dashboard):");
      out.println("  dashboard: " + u);
    });
    out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(net::close, "qnode-demo-shutdown"));
    Object forever = new Object();
    synchronized (forever) {
      forever.wait(); // until the JVM is interrupted; the shutdown hook closes the network
    }
  }

  private double elapsed() {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** JSON has no NaN: a figure that was not measured is null. */
  private static void num(ObjectNode node, String field, double v) {
    if (Double.isNaN(v)) {
      node.putNull(field);
    } else {
      node.put(field, round(v));
    }
  }

  private static double round(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
  }

  private void say(String fmt, Object... args) {
    out.printf(Locale.ROOT, "[%6.1fs] %s%n", elapsed(), String.format(Locale.ROOT, fmt, args));
    out.flush();
  }
}
