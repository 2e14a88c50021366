package org.qkdnet.qnode.chaos;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.linkservice.LinkTls;
import org.qkdnet.qnode.proto.v1.AdminServiceGrpc;
import org.qkdnet.qnode.proto.v1.GetRouteRequest;
import org.qkdnet.qnode.proto.v1.RouteReply;

/**
 * The station processes of one {@link ChaosNetwork}: starts, kills, pauses and restarts them, and
 * keeps every incarnation's log under the current scenario's log directory. Data directories
 * outlive the processes (and scenarios): a restart recovers from them. Every process is killed on
 * {@link #close} and by a shutdown hook, whatever happens.
 */
final class Cluster implements AutoCloseable {
  static final Duration READY = Duration.ofSeconds(120);

  private final ChaosNetwork net;
  private final Path root;
  private final Consumer<String> progress;
  private final Map<String, StationProcess> live = new LinkedHashMap<>();
  private final Map<String, Integer> incarnation = new LinkedHashMap<>();
  private final Map<String, List<String>> armed = new LinkedHashMap<>();
  private final List<StationProcess> all = new ArrayList<>();
  private final Map<String, SmallDisk> disks = new LinkedHashMap<>();
  private final Thread hook;
  /** Stations a fault holds: the supervisor leaves them to it. */
  private final Supervision.Holds held = new Supervision.Holds();
  /** The supervisor's restarts this scenario, per station. */
  private final Map<String, Integer> supervisorRestarts = new LinkedHashMap<>();
  /** Stations the supervisor gave up on this scenario (said once). */
  private final java.util.Set<String> givenUp = new java.util.TreeSet<>();
  /** Non-null while supervising; guarded by this. */
  private java.util.concurrent.ScheduledExecutorService supervisor;
  private Path logDir;
  private Path classArchive;

  Cluster(ChaosNetwork net, Path root, Consumer<String> progress) {
    this.net = net;
    this.root = root;
    this.progress = progress;
    this.hook = new Thread(() -> {
      stopSupervising();
      killEverything();
      for (SmallDisk d : disks.values()) {
        try {
          d.close();
        } catch (IOException e) {
          // the JVM is going: nothing more to do
        }
      }
    }, "chaos-cluster-kill");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  ChaosNetwork net() {
    return net;
  }

  List<String> stations() {
    return net.stations();
  }

  Path dataDir(String id) {
    return root.resolve("data").resolve(id);
  }

  /** Where the following starts write their logs (one directory per scenario). */
  void logTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.logDir = dir;
  }

  Path logDir() {
    return logDir;
  }

  /** JVM arguments for the station's next start only (e.g. an armed crash point). */
  synchronized void armNextStart(String id, List<String> jvmArgs) {
    armed.put(id, List.copyOf(jvmArgs));
  }

  /**
   * Starts the station (its next incarnation) without waiting for it; throws if it runs. Where
   * someone else (the supervisor) may have started it meanwhile, use {@link #startIfDown}.
   */
  synchronized StationProcess start(String id) throws IOException {
    if (live.containsKey(id) && live.get(id).isAlive()) {
      throw new IllegalStateException("station " + id + " is running already");
    }
    int n = incarnation.merge(id, 1, Integer::sum);
    // small heaps and C1 only: five to seven stations share two cores; the class archive halves the start
    List<String> args = new ArrayList<>(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    if (classArchive != null) {
      args.add("-XX:SharedArchiveFile=" + classArchive);
    }
    args.addAll(armed.getOrDefault(id, List.of()));
    armed.remove(id);
    StationProcess p = StationProcess.startIn(prefix(id), id, net.config(), dataDir(id), net.pki(), logDir,
        id + "-" + n, args);
    live.put(id, p);
    all.add(p);
    return p;
  }

  /**
   * Dumps the classes a station loads up to READY into a CDS archive (one station started and
   * stopped on a scratch data directory) that every later start maps instead of loading them: on
   * two cores, five stations starting at once are ready in about half the time. Without it (the
   * dump failed) stations start as usual.
   */
  void prepareClassArchive() throws IOException, InterruptedException {
    Path jsa = root.resolve("qnode-classes.jsa");
    Files.deleteIfExists(jsa);
    Path scratch = root.resolve("cds");
    Files.createDirectories(scratch);
    String id = net.stations().get(0);
    StationProcess p = StationProcess.startIn(prefix(id), id, net.config(), scratch.resolve("data"), net.pki(),
        scratch, id, List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=" + jsa));
    try {
      p.awaitReady(READY);
      p.stop();
    } finally {
      p.close();
    }
    if (Files.isRegularFile(jsa) && Files.size(jsa) > 0) {
      classArchive = jsa;
    } else {
      progress.accept("no class archive was written (stations start without it)");
    }
  }

  /** In a lab, the command prefix that runs a process in the station's namespace; else none. */
  private List<String> prefix(String id) {
    return net.lab() == null ? List.of() : net.lab().inside(id, List.of());
  }

  /** The lab the stations run in; throws if they run on loopback. */
  NetLab lab() {
    if (net.lab() == null) {
      throw new IllegalStateException("the stations run on loopback, not in a network lab");
    }
    return net.lab();
  }

  /**
   * Puts the station's data directory on a small disk of its own ({@link SmallDisk}) of what it
   * holds now plus {@code headroom} bytes, the data copied over; the station must not run. The
   * disk stays until {@link #releaseSmallDisk}. Returns the disk (the same one if mounted already).
   */
  synchronized SmallDisk smallDisk(String id, long headroom) throws IOException, InterruptedException {
    if (disks.containsKey(id)) {
      return disks.get(id);
    }
    if (isAlive(id)) {
      throw new IllegalStateException("station " + id + " runs: its data directory cannot be moved");
    }
    Path data = dataDir(id);
    Path aside = root.resolve("data-aside").resolve(id);
    deleteTree(aside);
    Files.createDirectories(aside.getParent());
    long used = 0;
    if (Files.exists(data)) {
      used = treeSize(data);
      Files.move(data, aside);
    } else {
      Files.createDirectories(aside);
    }
    SmallDisk d = SmallDisk.mount(data, used + headroom);
    try {
      copyTree(aside, data);
    } catch (IOException e) {
      d.close();
      deleteTree(data);
      Files.move(aside, data);
      throw e;
    }
    deleteTree(aside);
    disks.put(id, d);
    progress.accept(String.format(java.util.Locale.ROOT, "%s's data directory (%.1f MiB) on a tmpfs of %.1f MiB",
        id, used / 1048576.0, (used + headroom) / 1048576.0));
    return d;
  }

  /** Moves the station's data back from its small disk onto the ordinary one; it must not run. */
  synchronized void releaseSmallDisk(String id) throws IOException, InterruptedException {
    SmallDisk d = disks.get(id);
    if (d == null) {
      return;
    }
    if (isAlive(id)) {
      throw new IllegalStateException("station " + id + " runs: its small disk cannot be released");
    }
    d.free();
    Path data = dataDir(id);
    Path aside = root.resolve("data-aside").resolve(id);
    deleteTree(aside);
    Files.createDirectories(aside);
    copyTree(data, aside);
    d.close();
    disks.remove(id);
    deleteTree(data);
    Files.move(aside, data);
  }

  private static long treeSize(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      long n = 0;
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        n += Files.size(f);
      }
      return n;
    }
  }

  /** {@code cp -a from/. to/}: files, modes and times (bounded by NetLab.run's 20 s). */
  private static void copyTree(Path from, Path to) throws IOException {
    NetLab.Result r = NetLab.run(List.of("cp", "-a", from + "/.", to + "/"));
    if (r.code() != 0) {
      throw new IOException("cp -a " + from + " " + to + ": " + r.output().strip());
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  void awaitReady(String id) {
    process(id).awaitReady(READY);
  }

  /** Starts every station not running (all at once) and waits for each to be ready. */
  void startAll() throws IOException {
    List<String> started = new ArrayList<>();
    for (String id : net.stations()) {
      if (startIfDown(id)) {
        started.add(id);
      }
    }
    for (String id : started) {
      awaitReady(id);
    }
  }

  synchronized StationProcess process(String id) {
    StationProcess p = live.get(id);
    if (p == null) {
      throw new IllegalStateException("station " + id + " was never started");
    }
    return p;
  }

  synchronized boolean isAlive(String id) {
    StationProcess p = live.get(id);
    return p != null && p.isAlive();
  }

  void kill9(String id) throws IOException, InterruptedException {
    resume(id); // a stopped process dies of SIGKILL too, but its resume must not be left pending
    process(id).kill9();
  }

  void pause(String id) throws IOException, InterruptedException {
    signal(id, "STOP");
  }

  void resume(String id) throws IOException, InterruptedException {
    if (isAlive(id)) {
      signal(id, "CONT");
    }
  }

  private void signal(String id, String sig) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(process(id).pid())).redirectErrorStream(true)
        .start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("kill -" + sig + " " + id + " did not finish");
    }
  }

  /** SIGTERM (after SIGCONT) and wait, bounded, for the orderly shutdown. */
  void stop(String id) throws IOException, InterruptedException {
    if (isAlive(id)) {
      resume(id);
      process(id).stop();
    }
  }

  /** Stops every station: SIGCONT and SIGTERM to all first, then waits (bounded) for each. */
  void stopAll() throws IOException, InterruptedException {
    List<StationProcess> running = new ArrayList<>();
    for (String id : net.stations()) {
      if (isAlive(id)) {
        resume(id);
        process(id).terminate();
        running.add(process(id));
      }
    }
    for (StationProcess p : running) {
      p.stop();
    }
  }

  /** SIGKILL to every station (a stopped one too), waiting (bounded) for each to be gone. */
  void killAll() throws IOException, InterruptedException {
    for (String id : net.stations()) {
      if (isAlive(id)) {
        kill9(id);
      }
    }
  }

  /** Restarts every station that is not running (after a fault) and waits until each is ready. */
  List<String> reviveDead() throws IOException {
    List<String> dead = new ArrayList<>();
    for (String id : net.stations()) {
      if (startIfDown(id)) {
        dead.add(id);
      }
    }
    for (String id : dead) {
      awaitReady(id);
    }
    if (!dead.isEmpty()) {
      progress.accept("restarted " + dead);
    }
    return dead;
  }

  /**
   * Starts the station if it is not running, the check and the start as one step (the supervisor
   * may start it at any time, and {@link #start} throws if it runs); true if it did.
   */
  synchronized boolean startIfDown(String id) throws IOException {
    if (isAlive(id)) {
      return false;
    }
    start(id);
    return true;
  }

  /**
   * Per station, when its incarnations ended abnormally ({@link StationProcess#abnormalEndNanos}),
   * as {@link System#nanoTime} values.
   */
  synchronized Map<String, List<Long>> abnormalEndsNanos() {
    Map<String, List<Long>> out = new TreeMap<>();
    for (StationProcess p : all) {
      p.abnormalEndNanos().ifPresent(t -> out.computeIfAbsent(p.id(), x -> new ArrayList<>()).add(t));
    }
    return out;
  }

  /** Every log file written so far (all incarnations, all scenarios). */
  synchronized List<Path> logs() {
    List<Path> out = new ArrayList<>();
    for (StationProcess p : all) {
      out.add(p.stdout());
      out.add(p.stderr());
    }
    return out;
  }

  /**
   * The route a key from {@code from} to {@code to} would take now, asked of {@code from}'s admin
   * API with the operator certificate of the dev PKI; empty if there is none or it did not answer.
   */
  List<String> route(String from, String to) {
    ManagedChannel ch = null;
    try {
      Path ops = net.pki().resolve("operators");
      ch = NettyChannelBuilder.forAddress(net.host(from), net.adminPort(from))
          .sslContext(LinkTls.clientOfAnyStation(Pem.readIdentity(ops.resolve("admin.crt"), ops.resolve("admin.key")),
              net.ca()))
          .build();
      RouteReply r = AdminServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
          .getRoute(GetRouteRequest.newBuilder().setFrom(from).setTo(to).build());
      return List.copyOf(r.getPathList());
    } catch (Exception e) {
      progress.accept("admin route " + from + " > " + to + " not answered: " + e.getMessage());
      return List.of();
    } finally {
      if (ch != null) {
        ch.shutdownNow();
      }
    }
  }

  private synchronized void killEverything() {
    for (StationProcess p : all) {
      try {
        p.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The supervisor leaves these stations to the fault that holds them, until as many
   * {@link #release}s (holds are counted: two faults may hold one station).
   */
  synchronized void hold(java.util.Collection<String> ids) {
    held.hold(ids);
  }

  synchronized void release(java.util.Collection<String> ids) {
    held.release(ids);
  }

  /** Every hold gone (a scenario's start: a previous one that broke off may have left some). */
  synchronized void releaseAll() {
    held.clear();
  }

  /**
   * Starts supervising the stations as systemd would ({@link Supervision}): every
   * {@link Supervision#PERIOD_MS}, a station that ended on its own with a failure and that no fault
   * holds is started again (not waiting for it to be ready); each restart, and giving up on a
   * station, goes to the progress and to {@code notes}. Restart counts start at zero. Stop it with
   * {@link #stopSupervising} before the scenario's final stop.
   */
  void startSupervising(Consumer<String> notes) {
    stopSupervising();
    synchronized (this) {
      supervisorRestarts.clear();
      givenUp.clear();
      java.util.concurrent.ScheduledExecutorService s = java.util.concurrent.Executors
          .newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chaos-supervisor");
            t.setDaemon(true);
            return t;
          });
      supervisor = s;
      s.scheduleWithFixedDelay(() -> superviseOnce(s, notes), Supervision.PERIOD_MS, Supervision.PERIOD_MS,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Stops supervising. Once this returns the supervisor starts nothing more: a look at the stations
   * runs under this object's lock and checks that it is still the current supervisor, and this
   * takes the lock to end it (so waits for a restart in progress to have started its process).
   */
  void stopSupervising() {
    java.util.concurrent.ScheduledExecutorService s;
    synchronized (this) {
      s = supervisor;
      supervisor = null;
    }
    if (s != null) {
      s.shutdown(); // cancels the periodic look
      try {
        if (!s.awaitTermination(10, TimeUnit.SECONDS)) {
          s.shutdownNow();
        }
      } catch (InterruptedException e) {
        s.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One look at the stations; {@code mine}: the supervisor it runs for (it ends if no longer current). */
  private synchronized void superviseOnce(java.util.concurrent.ScheduledExecutorService mine, Consumer<String> notes) {
    if (supervisor != mine) {
      return;
    }
    try {
      List<Supervision.Facts> facts = new ArrayList<>();
      for (StationProcess p : live.values()) {
        facts.add(p.facts(held.isHeld(p.id()), supervisorRestarts.getOrDefault(p.id(), 0)));
      }
      Supervision.Decision d = Supervision.decide(facts, System.nanoTime() / 1_000_000);
      for (String id : d.restart()) {
        int exit = live.get(id).facts(false, 0).exitCode();
        supervisorRestarts.merge(id, 1, Integer::sum); // a start that fails counts too, as systemd's would
        try {
          start(id);
          say(notes, "supervisor restarted " + id + " (exited " + exit + " on its own)");
        } catch (IOException | RuntimeException e) {
          progress.accept("supervisor could not restart " + id + ": " + e);
        }
      }
      for (String id : d.givenUp()) {
        if (givenUp.add(id)) {
          say(notes, "supervisor gave up on " + id + ": it failed again after " + Supervision.MAX_RESTARTS
              + " restarts this scenario");
        }
      }
    } catch (RuntimeException e) {
      // a look that failed must not end the supervision (the executor would drop the periodic task)
      progress.accept("supervisor: " + e);
    }
  }

  private void say(Consumer<String> notes, String msg) {
    progress.accept(msg);
    notes.accept(msg);
  }

  @Override
  public void close() {
    stopSupervising();
    killEverything();
    for (String id : new ArrayList<>(disks.keySet())) {
      try {
        releaseSmallDisk(id);
      } catch (IOException | RuntimeException e) {
        progress.accept("small disk of " + id + " not released: " + e.getMessage());
        try {
          SmallDisk d = disks.remove(id);
          if (d != null) {
            d.close();
          }
        } catch (IOException | RuntimeException again) {
          // unmounted lazily at worst
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already: the hook runs anyway
    }
  }
}
