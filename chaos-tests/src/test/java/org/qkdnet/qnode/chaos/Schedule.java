package org.qkdnet.qnode.chaos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The scenarios of a profile, drawn from a seed: order, victims, crash-point skips and timings all
 * come from one {@link SplittableRandom}, so the same seed gives the same schedule (printed at
 * the start of a run; {@code --seed} replays it).
 *
 * <ul>
 *   <li><b>ci</b>: every fault kind in {@link #CI_SCENARIOS} scenarios, in seeded order: a kill of
 *       a random station, a kill of the relay in use, a short then a long pause, a short partition
 *       of a group then a long one, a link cut, restart-all, a rolling restart, disk-full,
 *       clock-skew, and the eight crash points armed two or three at a time on different
 *       victims ({@link #CRASH_GROUPS}), so each scenario's start-up is paid once for several.
 *   <li><b>soak</b>: scenarios of {@link #SOAK_FAULTS} faults each, every {@link #SOAK_PERIOD_MS}
 *       ms, drawn from every kind, until an hour is filled.
 * </ul>
 */
final class Schedule {
  static final long SOAK_PERIOD_MS = 30_000;
  static final int SOAK_FAULTS = 10;
  static final long SOAK_MILLIS = 3_600_000;
  /** Every fault kind a profile draws from (the report's {@code kind:} prefixes). */
  static final List<String> KINDS = List.of("kill", "pause", "partition", "link-cut", "restart-all", "crash-point",
      "disk-full", "clock-skew", "rolling-restart");
  /** The eight crash points come in scenarios of 3, 3 and 2. */
  static final List<Integer> CRASH_GROUPS = List.of(3, 3, 2);
  static final int CI_SCENARIOS = 9 + CRASH_GROUPS.size();
  /** Clock offsets drawn in ±[90 s, 1 h]. */
  static final long SKEW_MIN_S = 90;
  static final long SKEW_MAX_S = 3_600;

  /** What the schedule needs to know of a topology. */
  record Shape(List<String> stations, List<ChaosNetwork.Link> links, Map<String, String> saeStation,
      List<ChaosNetwork.Pair> workload) {}

  private final Shape shape;
  private final SplittableRandom rnd;
  /** Relay crash points can be armed at the scenario's start (ci: the crash steps come first). */
  private final boolean armAtStart;

  private Schedule(Shape shape, long seed, boolean armAtStart) {
    this.shape = shape;
    this.rnd = new SplittableRandom(seed);
    this.armAtStart = armAtStart;
  }

  static List<Scenario> build(String profile, long seed, Shape shape) {
    Schedule s = new Schedule(shape, seed, profile.equals("ci"));
    return switch (profile) {
      case "ci" -> s.ci();
      case "soak" -> s.soak();
      default -> throw new IllegalArgumentException("unknown profile " + profile + " (ci or soak)");
    };
  }

  private List<Scenario> ci() {
    // scenario name -> the variants of its steps, one after the other
    Map<String, List<String>> plan = new LinkedHashMap<>();
    plan.put("kill-random", List.of("kill-random"));
    plan.put("kill-relay", List.of("kill-relay"));
    plan.put("pause", List.of("pause-short", "pause-long"));
    plan.put("partition", List.of("partition-short", "partition-long"));
    plan.put("link-cut", List.of("link-cut"));
    plan.put("restart-all", List.of("restart-all"));
    plan.put("rolling-restart", List.of("rolling-restart"));
    plan.put("disk-full", List.of("disk-full"));
    plan.put("clock-skew", List.of("clock-skew"));
    List<String> names = new ArrayList<>(plan.keySet());
    for (int g = 1; g <= CRASH_GROUPS.size(); g++) {
      names.add("crash-points-" + g);
    }
    shuffle(names);
    List<List<CrashPointFault>> crashes = crashGroups();
    List<Scenario> out = new ArrayList<>();
    for (String name : names) {
      long warm = 2_000 + rnd.nextInt(1_000);
      List<Scenario.Step> steps = new ArrayList<>();
      if (name.startsWith("crash-points-")) {
        long at = warm;
        for (CrashPointFault f : crashes.get(Integer.parseInt(name.substring("crash-points-".length())) - 1)) {
          steps.add(new Scenario.Step(f, at, 500));
          at += 500;
        }
      } else {
        long at = warm;
        for (String v : plan.get(name)) {
          long hold = hold(v);
          steps.add(new Scenario.Step(fault(v, hold), at, hold));
          at += hold + 3_000;
        }
      }
      out.add(new Scenario(name, steps, warm, 1_000)); // the liveness wait before it saw every pair deliver
    }
    return out;
  }

  /**
   * The eight crash points, shuffled, in groups of {@link #CRASH_GROUPS}; in a group each on a
   * victim of its own (a station crashed by one point must not be restarted, disarmed, by
   * another's), the points armed at the start first (they fire under the load at once), the
   * key-supply ones (armed by a restart at inject) after.
   */
  private List<List<CrashPointFault>> crashGroups() {
    List<String> points = new ArrayList<>(CrashPointFault.POINTS);
    shuffle(points);
    List<List<CrashPointFault>> groups = new ArrayList<>();
    int next = 0;
    for (int size : CRASH_GROUPS) {
      List<CrashPointFault> group = new ArrayList<>();
      Set<String> used = new TreeSet<>();
      for (String p : points.subList(next, next + size)) {
        List<String> victims = crashVictims(p);
        List<String> free = new ArrayList<>(victims);
        free.removeAll(used);
        String v = pick(free.isEmpty() ? victims : free);
        used.add(v);
        group.add(new CrashPointFault(p, v, crashSkip(p), armAtStart));
      }
      group.sort((a, b) -> Boolean.compare(!a.armedAtStart(), !b.armedAtStart()));
      groups.add(group);
      next += size;
    }
    return groups;
  }

  private List<Scenario> soak() {
    List<String> kinds = new ArrayList<>(List.of("kill-random", "kill-relay", "pause-short", "pause-long",
        "restart-all", "rolling-restart", "partition-short", "partition-long", "link-cut", "disk-full",
        "clock-skew"));
    for (String p : CrashPointFault.POINTS) {
      kinds.add("crash-" + p);
    }
    List<Scenario> out = new ArrayList<>();
    long perScenario = SOAK_FAULTS * SOAK_PERIOD_MS;
    for (int n = 1; n * perScenario <= SOAK_MILLIS; n++) {
      List<Scenario.Step> steps = new ArrayList<>();
      for (int i = 0; i < SOAK_FAULTS; i++) {
        String v = kinds.get(rnd.nextInt(kinds.size()));
        long hold = hold(v);
        steps.add(new Scenario.Step(fault(v, hold), SOAK_PERIOD_MS * i + 5_000, hold));
      }
      out.add(new Scenario("soak-" + n, steps, 5_000, 10_000));
    }
    return out;
  }

  private long hold(String variant) {
    return switch (variant) {
      // below the failure detector's ~5.5 s / beyond it plus the SBR's stable-after (7 s)
      case "pause-short" -> 2_000 + rnd.nextInt(1_000);
      case "pause-long" -> PauseFault.DOWNED_AFTER_MILLIS + 500 + rnd.nextInt(1_500);
      // a partition too: unnoticed or just unreachable / the minority side downed
      case "partition-short" -> 2_000 + rnd.nextInt(1_000);
      case "partition-long" -> PauseFault.DOWNED_AFTER_MILLIS + 500 + rnd.nextInt(1_500);
      // long enough for relays over the cut link to time out and go round it
      case "link-cut" -> 6_000 + rnd.nextInt(3_000);
      // under load with the skewed clock (the restarts come on top)
      case "clock-skew" -> 5_000 + rnd.nextInt(3_000);
      case "rolling-restart" -> 0;
      default -> 1_500 + rnd.nextInt(2_000);
    };
  }

  private Fault fault(String variant, long hold) {
    List<String> all = shape.stations();
    return switch (variant) {
      case "kill-random" -> KillFault.station(pick(all));
      case "kill-relay" -> {
        List<ChaosNetwork.Pair> multiHop = multiHopPairs();
        ChaosNetwork.Pair p = pick(multiHop);
        yield KillFault.relayInUse(p, shortestPath(station(p.master()), station(p.slave())).get(1));
      }
      case "pause-short", "pause-long" -> new PauseFault(pick(all), hold);
      case "restart-all" -> new RestartAllFault(rnd.nextBoolean());
      case "partition-short", "partition-long" -> new PartitionFault(minorityGroup(), hold);
      case "link-cut" -> new LinkCutFault(pick(loadedLinks()));
      case "disk-full" -> new DiskFullFault(pick(saeHosts()));
      case "clock-skew" -> {
        long s = SKEW_MIN_S + rnd.nextLong(SKEW_MAX_S - SKEW_MIN_S + 1);
        yield new ClockSkewFault(pick(all), java.time.Duration.ofSeconds(rnd.nextBoolean() ? s : -s));
      }
      case "rolling-restart" -> {
        List<String> order = new ArrayList<>(all);
        shuffle(order);
        yield new RollingRestartFault(order, 500);
      }
      default -> {
        if (!variant.startsWith("crash-")) {
          throw new IllegalArgumentException("unknown fault variant " + variant);
        }
        String point = variant.substring("crash-".length());
        yield new CrashPointFault(point, pick(crashVictims(point)), crashSkip(point), armAtStart);
      }
    };
  }

  /** One station, or two neighbours: fewer than half, so keep-majority keeps the others. */
  private Set<String> minorityGroup() {
    List<String> all = shape.stations();
    if (all.size() >= 5 && rnd.nextBoolean()) {
      ChaosNetwork.Link l = pick(shape.links());
      return new TreeSet<>(List.of(l.a(), l.b()));
    }
    return new TreeSet<>(List.of(pick(all)));
  }

  /** The links single-path pairs' shortest routes use (a cut there changes a route). */
  private List<ChaosNetwork.Link> loadedLinks() {
    Set<ChaosNetwork.Link> out = new LinkedHashSet<>();
    for (ChaosNetwork.Pair p : shape.workload()) {
      if (p.paths() > 1) {
        continue;
      }
      List<String> path = shortestPath(station(p.master()), station(p.slave()));
      for (int i = 1; i < path.size(); i++) {
        String x = path.get(i - 1);
        String y = path.get(i);
        out.add(x.compareTo(y) < 0 ? new ChaosNetwork.Link(x, y) : new ChaosNetwork.Link(y, x));
      }
    }
    List<ChaosNetwork.Link> sorted = new ArrayList<>(out);
    sorted.sort(java.util.Comparator.comparing(ChaosNetwork.Link::a).thenComparing(ChaosNetwork.Link::b));
    return sorted;
  }

  /** Stations the workload's SAEs are at (they write on every key they hand out or take). */
  private List<String> saeHosts() {
    Set<String> out = new TreeSet<>();
    for (ChaosNetwork.Pair p : shape.workload()) {
      out.add(station(p.master()));
      out.add(station(p.slave()));
    }
    return new ArrayList<>(out);
  }

  private String station(String sae) {
    return shape.saeStation().get(sae);
  }

  private List<ChaosNetwork.Pair> multiHopPairs() {
    List<ChaosNetwork.Pair> out = new ArrayList<>();
    for (ChaosNetwork.Pair p : shape.workload()) {
      if (p.paths() == 1 && shortestPath(station(p.master()), station(p.slave())).size() > 2) {
        out.add(p);
      }
    }
    return out;
  }

  /** Stations that reach the crash point under the workload. */
  private List<String> crashVictims(String point) {
    Set<String> masters = new TreeSet<>();
    Set<String> slaves = new TreeSet<>();
    Set<String> transits = new TreeSet<>();
    for (ChaosNetwork.Pair p : shape.workload()) {
      String a = station(p.master());
      String b = station(p.slave());
      masters.add(a);
      slaves.add(b);
      List<String> path = shortestPath(a, b);
      transits.addAll(path.subList(1, path.size() - 1));
      if (p.paths() > 1) {
        // a second node-disjoint route: on a ring, every other station is on one of the two
        shape.stations().stream().filter(s -> !s.equals(a) && !s.equals(b)).forEach(transits::add);
      }
    }
    // key-supply exchanges come when a direction runs low: on the links single-path pairs load
    Set<String> lowEnds = new TreeSet<>();
    Set<String> highEnds = new TreeSet<>();
    for (ChaosNetwork.Pair p : shape.workload()) {
      if (p.paths() > 1) {
        continue;
      }
      List<String> path = shortestPath(station(p.master()), station(p.slave()));
      for (int i = 1; i < path.size(); i++) {
        String x = path.get(i - 1);
        String y = path.get(i);
        lowEnds.add(x.compareTo(y) < 0 ? x : y);
        highEnds.add(x.compareTo(y) < 0 ? y : x);
      }
    }
    Set<String> out = switch (point) {
      case "keystore.afterApplySync" -> highEnds;
      case "keystore.afterAssignSync" -> lowEnds;
      // only an origin reserves on its own (a transit's reservation is afterTransitSync)
      case "keystore.afterReserveSync" -> masters;
      case "keystore.afterTransitSync", "relay.transitAfterReserveBeforeSend" -> transits;
      // a fetch (dec_keys) at the slave's station marks its keys handed out
      case "relay.destinationAfterStoreBeforeAck", "keystore.afterHandOut" -> slaves;
      case "relay.originAfterReserveBeforeSend" -> masters;
      default -> throw new IllegalArgumentException("no crash point " + point);
    };
    return new ArrayList<>(out);
  }

  /**
   * Passes before the point fires: relay steps come at the load's rate (past the warm-up's one key
   * per pair when armed at the scenario's start; low enough to be reached within {@link
   * CrashPointFault#REACH} on a slow pair while other victims of the group are down: 30-89 missed
   * 2 of 8 points in one ci run), assignments at the key's rate.
   */
  private int crashSkip(String point) {
    return point.endsWith("AssignSync") || point.endsWith("ApplySync") ? rnd.nextInt(2) : 8 + rnd.nextInt(24);
  }

  /** Breadth-first, neighbours in id order: the hop-shortest path, deterministic. */
  List<String> shortestPath(String from, String to) {
    Map<String, Set<String>> adj = new LinkedHashMap<>();
    for (ChaosNetwork.Link l : shape.links()) {
      adj.computeIfAbsent(l.a(), x -> new TreeSet<>()).add(l.b());
      adj.computeIfAbsent(l.b(), x -> new TreeSet<>()).add(l.a());
    }
    Map<String, String> prev = new LinkedHashMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>(List.of(from));
    Set<String> seen = new LinkedHashSet<>(List.of(from));
    while (!queue.isEmpty()) {
      String n = queue.poll();
      for (String m : adj.getOrDefault(n, Set.of())) {
        if (seen.add(m)) {
          prev.put(m, n);
          queue.add(m);
        }
      }
    }
    List<String> path = new ArrayList<>();
    for (String n = to; n != null; n = prev.get(n)) {
      path.add(n);
    }
    Collections.reverse(path);
    return path;
  }

  private <T> T pick(List<T> from) {
    return from.get(rnd.nextInt(from.size()));
  }

  private <T> void shuffle(List<T> list) {
    for (int i = list.size() - 1; i > 0; i--) {
      Collections.swap(list, i, rnd.nextInt(i + 1));
    }
  }
}
