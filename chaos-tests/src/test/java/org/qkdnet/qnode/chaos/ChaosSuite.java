package org.qkdnet.qnode.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Runs the scenarios of a profile on real station processes and checks each (issue 9): one
 * network (configuration, PKI, data directories) for the whole run, so every scenario also
 * restarts from what the previous one left and I4 is checked across it; per scenario the stations
 * start, the workload runs, the faults come and heal, the load drains, the stations stop, and the
 * {@link Checker} reads the history, every station's store and every log.
 */
final class ChaosSuite {
  /** {@code only}: scenario names to run (empty: all); {@code work}: where everything goes. */
  record Options(String profile, long seed, List<String> only, Path work) {}

  /**
   * A fault the run left out, and why: it needs what this machine lacks ({@link Fault#needs}).
   * {@code wholeScenario}: no fault of the scenario was left, so it did not run at all.
   */
  record Skipped(String scenario, String fault, boolean wholeScenario, String reason) {
    @Override
    public String toString() {
      return (wholeScenario ? "scenario " + scenario + " skipped" : scenario + " without " + fault) + ": " + reason;
    }
  }

  /** A whole run. */
  record Outcome(String profile, long seed, List<ScenarioResult> scenarios, double durationSeconds,
      List<Skipped> skipped) {
    Outcome(String profile, long seed, List<ScenarioResult> scenarios, double durationSeconds) {
      this(profile, seed, scenarios, durationSeconds, List.of());
    }

    Outcome {
      scenarios = List.copyOf(scenarios);
      skipped = List.copyOf(skipped);
    }

    int relaysOk() {
      return scenarios.stream().mapToInt(ScenarioResult::relaysOk).sum();
    }

    int violations() {
      return scenarios.stream().mapToInt(s -> s.violations().size()).sum();
    }
  }

  static final Duration WARM_UP = Duration.ofSeconds(120);
  static final Duration LIVENESS = Duration.ofSeconds(45);
  static final Duration DRAIN = Duration.ofSeconds(30);
  static final int REFETCH_PROBES = 2;

  private final Options options;
  private final Consumer<String> out;

  ChaosSuite(Options options, Consumer<String> out) {
    this.options = options;
    this.out = out;
  }

  Outcome run() throws Exception {
    long t0 = System.nanoTime();
    String topology = options.profile();
    Schedule.Shape shape = ChaosNetwork.shape(topology);
    List<Scenario> scenarios = new ArrayList<>(Schedule.build(options.profile(), options.seed(), shape));
    if (!options.only().isEmpty()) {
      scenarios.removeIf(s -> !options.only().contains(s.name()));
      if (scenarios.isEmpty()) {
        throw new IllegalArgumentException("no scenario named " + options.only() + " in profile " + options.profile());
      }
    }
    out.accept("chaos: profile " + options.profile() + ", seed " + options.seed() + ", " + scenarios.size()
        + " scenarios on " + shape.stations().size() + " stations " + shape.stations());
    for (int i = 0; i < scenarios.size(); i++) {
      out.accept("  " + (i + 1) + ". " + scenarios.get(i).describe());
    }
    Map<Fault.Need, String> missing = missing();
    NetLab lab = null;
    if (!missing.containsKey(Fault.Need.NET_LAB)) {
      try {
        lab = NetLab.create("c" + (ProcessHandle.current().pid() % 10_000), shape.stations());
      } catch (IOException | RuntimeException e) {
        missing.put(Fault.Need.NET_LAB, "the network lab could not be built: " + e.getMessage());
      }
    }
    out.accept("chaos: stations " + (lab == null ? "on loopback" : "each in a network namespace of its own (NetLab)"));
    missing.forEach((need, why) -> out.accept("chaos: no " + need + ": " + why));
    List<Skipped> skipped = new ArrayList<>();
    scenarios = leaveOut(scenarios, missing, skipped);
    skipped.forEach(k -> out.accept("chaos: SKIPPED " + k));
    try {
      return runAll(scenarios, topology, lab, skipped, t0);
    } finally {
      if (lab != null) {
        lab.close();
      }
    }
  }

  /**
   * What faults may need and this machine lacks, with the reason ({@code -Dchaos.netlab=off} runs
   * the stations on loopback, as on a machine without the lab).
   */
  private Map<Fault.Need, String> missing() throws IOException {
    Map<Fault.Need, String> missing = new LinkedHashMap<>();
    if ("off".equals(System.getProperty("chaos.netlab"))) {
      missing.put(Fault.Need.NET_LAB, "turned off (-Dchaos.netlab=off)");
    } else {
      NetLab.unavailable().ifPresent(why -> missing.put(Fault.Need.NET_LAB, why));
    }
    Files.createDirectories(options.work());
    SmallDisk.unavailable(options.work()).ifPresent(why -> missing.put(Fault.Need.SMALL_DISK, why));
    return missing;
  }

  /**
   * The scenarios without the faults that need what is {@code missing} (each listed in {@code
   * skipped} with the reason); a scenario left without a fault is left out.
   */
  static List<Scenario> leaveOut(List<Scenario> scenarios, Map<Fault.Need, String> missing, List<Skipped> skipped) {
    List<Scenario> out = new ArrayList<>();
    for (Scenario sc : scenarios) {
      List<Scenario.Step> kept = new ArrayList<>();
      List<Skipped> left = new ArrayList<>();
      for (Scenario.Step st : sc.steps()) {
        String why = st.fault().needs().stream().filter(missing::containsKey).map(missing::get).findFirst()
            .orElse(null);
        if (why == null) {
          kept.add(st);
        } else {
          left.add(new Skipped(sc.name(), st.fault().name(), false, why));
        }
      }
      if (kept.isEmpty()) {
        skipped.add(new Skipped(sc.name(), String.join("; ", sc.steps().stream().map(x -> x.fault().name()).toList()),
            true, left.get(0).reason()));
      } else {
        skipped.addAll(left);
        out.add(left.isEmpty() ? sc : new Scenario(sc.name(), kept, sc.warmMillis(), sc.tailMillis()));
      }
    }
    return out;
  }

  private Outcome runAll(List<Scenario> scenarios, String topology, NetLab lab, List<Skipped> skipped, long t0)
      throws Exception {
    ChaosNetwork net = ChaosNetwork.create(topology, options.work(), "", lab);
    List<ScenarioResult> results = new ArrayList<>();
    try (Cluster cluster = new Cluster(net, options.work(), m -> out.accept("    " + m))) {
      cluster.prepareClassArchive();
      Map<String, StationState> before = Map.of();
      Set<String> fetchedEarlier = new HashSet<>();
      Set<String> cameBackEarlier = new HashSet<>();
      int okSoFar = 0;
      for (int i = 0; i < scenarios.size(); i++) {
        Scenario sc = scenarios.get(i);
        out.accept(String.format(Locale.ROOT, "[%d/%d] %s", i + 1, scenarios.size(), sc.name()));
        Path dir = options.work().resolve("scenarios").resolve(String.format(Locale.ROOT, "%02d-%s", i + 1,
            sc.name()));
        Run run = new Run(cluster, sc, dir, before, fetchedEarlier, cameBackEarlier);
        ScenarioResult r = run.execute();
        results.add(r);
        before = run.states;
        okSoFar += r.relaysOk();
        out.accept(String.format(Locale.ROOT, "[%d/%d] %s: %s, %.0f s, relays ok %d, failed %d, orphans %d,"
            + " violations %d (relays ok so far %d)", i + 1, scenarios.size(), sc.name(), r.faults(),
            r.durationSeconds(), r.relaysOk(), r.relaysFailed(), r.orphans(), r.violations().size(), okSoFar));
        r.notes().forEach(n -> out.accept("    note: " + n));
        r.violations().forEach(v -> out.accept("    VIOLATION " + v));
      }
    }
    return new Outcome(options.profile(), options.seed(), results, (System.nanoTime() - t0) / 1e9, skipped);
  }

  /** One scenario's run. */
  private final class Run {
    final Cluster cluster;
    final Scenario sc;
    final Path dir;
    final Map<String, StationState> before;
    final Set<String> fetchedEarlier;
    final Set<String> cameBackEarlier;
    final History history;
    final List<ScenarioResult.Window> windows = new ArrayList<>();
    /** Added to by the supervisor's thread too. */
    final List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Violation> harness = new ArrayList<>();
    Map<String, StationState> states = Map.of();

    Run(Cluster cluster, Scenario sc, Path dir, Map<String, StationState> before, Set<String> fetchedEarlier,
        Set<String> cameBackEarlier) {
      this.cluster = cluster;
      this.sc = sc;
      this.dir = dir;
      this.before = before;
      this.fetchedEarlier = fetchedEarlier;
      this.cameBackEarlier = cameBackEarlier;
      this.history = new History(System.nanoTime());
    }

    ScenarioResult execute() throws Exception {
      cluster.logTo(dir.resolve("logs"));
      long lastHeal = -1;
      Workload load = null;
      try {
        cluster.releaseAll();
        // per step, the stations it holds (held already for a fault that holds from the start)
        List<Set<String>> held = new ArrayList<>();
        for (Scenario.Step step : sc.steps()) {
          step.fault().prepare(cluster);
          Set<String> h = new TreeSet<>();
          if (step.fault().holdsFromStart()) {
            h.addAll(step.fault().holds(cluster));
            cluster.hold(h);
          }
          held.add(h);
        }
        cluster.startAll();
        // from here to the final stop a station that fails on its own is restarted as systemd
        // would (Supervision), unless a fault holds it
        cluster.startSupervising(notes::add);
        long ready = history.msSinceStart();
        load = new Workload(cluster.net(), history);
        if (!load.warmUp(WARM_UP)) {
          harness.add(new Violation("liveness", "warm-up", cluster.stations(),
              "not every SAE pair got a key within " + WARM_UP.toSeconds() + " s of the stations' start"));
        }
        long loadStart = history.msSinceStart();
        out.accept(String.format(Locale.ROOT, "    stations ready in %.1f s, every pair delivered after %.1f s more",
            ready / 1000.0, (loadStart - ready) / 1000.0));
        load.start(Duration.ofMinutes(20));
        for (int i = 0; i < sc.steps().size(); i++) {
          Scenario.Step step = sc.steps().get(i);
          Set<String> h = held.get(i);
          sleepUntil(loadStart + step.atMillis());
          long from = history.msSinceStart();
          out.accept("    inject " + step.fault().name());
          try {
            holdMore(h, step.fault().holds(cluster));
            step.fault().inject(cluster);
            holdMore(h, step.fault().holds(cluster)); // a victim inject resolved (the relay in use)
            Thread.sleep(step.holdMillis());
            step.fault().heal(cluster);
          } finally {
            cluster.release(h);
            h.clear();
          }
          windows.add(new ScenarioResult.Window(step.fault().name(), from, history.msSinceStart()));
          out.accept("    healed " + step.fault().name());
        }
        List<String> revived = cluster.reviveDead();
        if (!revived.isEmpty()) {
          notes.add("stations not running after the heal, restarted: " + revived);
        }
        lastHeal = history.msSinceStart();
        awaitEveryPairDelivered(lastHeal);
        Thread.sleep(sc.tailMillis());
      } catch (Exception e) {
        harness.add(new Violation("liveness", "scenario", cluster.stations(),
            "the scenario could not run on: " + e));
      } finally {
        try {
          if (load != null) {
            load.stop();
            int left = load.drain(DRAIN);
            if (left > 0) {
              notes.add(left + " keys still unfetched after the " + DRAIN.toSeconds() + " s drain");
            }
            load.refetchProbes(REFETCH_PROBES);
          }
        } finally {
          // before the final stop, whatever happened: nothing may start during or after it
          cluster.stopSupervising();
        }
        long stopAt = history.msSinceStart();
        // Nothing is in flight any more (the load stopped and drained). ci stops with SIGKILL: the
        // harshest stop, and 4 s faster than five orderly leaves timing out together (the next
        // scenario then starts from a cold crash of every station); soak stops orderly.
        if (killAtEnd()) {
          // the last answers' keys are deleted a moment after the server took them (the bytes
          // must leave first): a kill inside that moment would bring them back, at-least-once;
          // the scenario's faults are over, so the final kill comes after it
          long lastFetch = history.ops().stream().filter(o -> o.kind() != History.Kind.ENC && o.ok())
              .mapToLong(History.Op::endMs).max().orElse(0);
          long wait = lastFetch + org.qkdnet.qnode.kme.Kme.DELETE_TAKEN_AFTER_MILLIS + 500 - history.msSinceStart();
          if (wait > 0) {
            Thread.sleep(wait);
          }
          cluster.killAll();
        } else {
          cluster.stopAll();
        }
        out.accept(String.format(Locale.ROOT, "    load, drain and probes done at %.1f s; stations stopped in %.1f s",
            stopAt / 1000.0, (history.msSinceStart() - stopAt) / 1000.0));
        for (Scenario.Step step : sc.steps()) {
          try {
            step.fault().cleanup(cluster);
          } catch (Exception e) {
            harness.add(new Violation("liveness", "scenario", cluster.stations(),
                "the clean-up after " + step.fault().name() + " failed: " + e));
          }
        }
      }
      long end = history.msSinceStart();
      states = readStates();
      Map<String, List<String>> leaks = scanLogs(load == null ? Map.of() : load.encodings());
      List<History.Op> ops = history.ops();
      history.writeJsonLines(dir.resolve("history.jsonl"));
      Map<String, List<Long>> abnormalEnds = new TreeMap<>();
      cluster.abnormalEndsNanos().forEach((id, ts) -> abnormalEnds.put(id, ts.stream().map(history::toMs)
          .filter(ms -> ms >= 0).toList()));
      Checker.Result r = Checker.check(new Checker.Input(ops, cluster.net().saeStations(), cluster.net().links(),
          states, before, fetchedEarlier, leaks, lastHeal, LIVENESS.toMillis(),
          cluster.net().workload().stream().map(ChaosNetwork.Pair::name).toList(), abnormalEnds, cameBackEarlier));
      cameBackEarlier.addAll(r.cameBack());
      if (!r.cameBack().isEmpty()) {
        notes.add(r.cameBack().size() + " keys fetched within " + Checker.CRASH_WINDOW_MS / 1000
            + " s before their station ended abnormally were their slave's again after the restart"
            + " (the fetch's crash window, at-least-once): " + firstFew(r.cameBack()));
      }
      for (History.Op o : ops) {
        if (o.kind() != History.Kind.ENC && o.ok()) {
          fetchedEarlier.add(o.keyId());
        }
      }
      List<Violation> violations = new ArrayList<>(harness);
      violations.addAll(r.violations());
      if (!r.recoveryMs().isEmpty()) {
        notes.add("first key after the last heal, ms per pair: " + r.recoveryMs());
      }
      return new ScenarioResult(sc.name(), sc.steps().stream().map(s -> s.fault().name()).toList(), end / 1000.0,
          r.relaysOk(), r.relaysFailed(), violations, windows, perSecond(ops, end), r.orphans(), r.recoveryMs(),
          notes);
    }

    /** Holds those of {@code now} not in {@code held} yet, and adds them to it. */
    private void holdMore(Set<String> held, Set<String> now) {
      Set<String> more = new TreeSet<>(now);
      more.removeAll(held);
      cluster.hold(more);
      held.addAll(more);
    }

    private void sleepUntil(long ms) throws InterruptedException {
      long wait = ms - history.msSinceStart();
      if (wait > 0) {
        Thread.sleep(wait);
      }
    }

    /** Bounded by the liveness bound: until every pair got a key it asked for after {@code since}. */
    private void awaitEveryPairDelivered(long since) throws InterruptedException {
      long until = since + LIVENESS.toMillis();
      Set<String> pairs = new HashSet<>(cluster.net().workload().stream().map(ChaosNetwork.Pair::name).toList());
      while (history.msSinceStart() < until) {
        Map<String, String> encAfter = new LinkedHashMap<>();
        Set<String> done = new HashSet<>();
        for (History.Op o : history.ops()) {
          if (o.kind() == History.Kind.ENC && o.ok() && o.startMs() >= since) {
            encAfter.put(o.keyId(), o.pair());
          } else if (o.kind() == History.Kind.DEC && o.ok() && encAfter.containsKey(o.keyId())) {
            done.add(encAfter.get(o.keyId()));
          }
        }
        if (done.containsAll(pairs)) {
          return;
        }
        Thread.sleep(250);
      }
    }

    private Map<String, StationState> readStates() {
      Map<String, StationState> s = new LinkedHashMap<>();
      for (String id : cluster.stations()) {
        List<String> peers = new ArrayList<>();
        for (ChaosNetwork.Link l : cluster.net().links()) {
          if (l.a().equals(id)) {
            peers.add(l.b());
          } else if (l.b().equals(id)) {
            peers.add(l.a());
          }
        }
        try {
          s.put(id, StationState.read(id, peers, cluster.dataDir(id), cluster.net().pki()));
        } catch (RuntimeException e) {
          harness.add(new Violation("I4", "store", List.of(id), "the stopped station's store does not open: " + e));
        }
      }
      return s;
    }

    /** I5: every log of this scenario, searched for every key's hex and Base64. */
    private Map<String, List<String>> scanLogs(Map<String, String> encodings) throws IOException {
      Map<String, List<String>> hits = new LinkedHashMap<>();
      if (encodings.isEmpty()) {
        return hits;
      }
      try (var files = Files.list(cluster.logDir())) {
        for (Path f : files.sorted().toList()) {
          List<String> ids = KeyLeakScan.leakedKeyIds(Files.readString(f, StandardCharsets.UTF_8), encodings);
          if (!ids.isEmpty()) {
            hits.put(options.work().relativize(f).toString(), ids);
          }
        }
      }
      return hits;
    }
  }

  private boolean killAtEnd() {
    return options.profile().equals("ci");
  }

  /** Master requests per second of the scenario: {ok, failed}. */
  static List<int[]> perSecond(List<History.Op> ops, long endMs) {
    int n = (int) (endMs / 1000) + 1;
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new int[2]);
    }
    for (History.Op o : ops) {
      if (o.kind() == History.Kind.ENC) {
        int s = (int) Math.min(n - 1, Math.max(0, o.endMs() / 1000));
        out.get(s)[o.ok() ? 0 : 1]++;
      }
    }
    return out;
  }

  /** At most ten of {@code ids}, then how many more: notes stay readable. */
  static String firstFew(java.util.Collection<String> ids) {
    List<String> all = new ArrayList<>(ids);
    return all.size() <= 10 ? all.toString()
        : all.subList(0, 10) + " and " + (all.size() - 10) + " more";
  }
}
