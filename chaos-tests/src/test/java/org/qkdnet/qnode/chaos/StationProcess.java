package org.qkdnet.qnode.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One station as a real OS process: {@code java -jar qnode.jar run ...}, output to files. */
final class StationProcess implements AutoCloseable {
  private final String id;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  /** {@link System#nanoTime} when the process was seen to end (the JDK's reaper), 0 while it runs. */
  private volatile long endedNanos;
  /**
   * The harness stopped or killed it (SIGTERM, SIGKILL) while it ran: it did not end on its own, and
   * the supervisor ({@link Supervision}) leaves it alone. Set before the signal, so never late.
   */
  private volatile boolean endedByHarness;

  private StationProcess(String id, Process process, Path stdout, Path stderr) {
    this.id = id;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    process.onExit().thenRun(() -> endedNanos = System.nanoTime());
  }

  /**
   * When the process ended ({@link System#nanoTime}) if it ended abnormally: killed (SIGKILL, a
   * crash point's halt: 137), or stopped by itself with an error (1: its store failed closed, the
   * cluster removed it; then the time of its log's first ALARM, when its store stopped taking
   * writes, if earlier). Empty while it runs, and after an orderly stop (exit 0).
   */
  java.util.OptionalLong abnormalEndNanos() {
    long t = endedNanos;
    if (t == 0 || process.isAlive() || process.exitValue() == 0) {
      return java.util.OptionalLong.empty();
    }
    if (process.exitValue() == 1) {
      // failed closed: its store stopped taking writes at the ALARM, seconds before the exit
      try {
        long nowMs = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        java.util.OptionalLong alarm = alarmEpochMs(Files.readAllLines(stderr, StandardCharsets.UTF_8), id,
            nowMs - (nowNanos - t) / 1_000_000);
        if (alarm.isPresent()) {
          return java.util.OptionalLong.of(Math.min(t, nowNanos - (nowMs - alarm.getAsLong()) * 1_000_000));
        }
      } catch (IOException | RuntimeException e) {
        // no log to read: the exit it is
      }
    }
    return java.util.OptionalLong.of(t);
  }

  /**
   * When (epoch ms) the station's log first raised an ALARM (its store failed, the cluster
   * removed it): the log's {@code HH:mm:ss.SSS} time of day, taken on the day that puts it
   * closest before {@code endEpochMs}, the process's end.
   */
  static java.util.OptionalLong alarmEpochMs(List<String> lines, String id, long endEpochMs) {
    String mark = "ALARM station " + id + ":";
    for (String line : lines) {
      if (line.contains(mark) && line.length() >= 12) {
        java.time.LocalTime time;
        try {
          time = java.time.LocalTime.parse(line.substring(0, 12));
        } catch (java.time.format.DateTimeParseException e) {
          continue;
        }
        java.time.ZoneId zone = java.time.ZoneId.systemDefault();
        java.time.LocalDate endDay = java.time.Instant.ofEpochMilli(endEpochMs).atZone(zone).toLocalDate();
        long best = Long.MIN_VALUE;
        for (int d = -1; d <= 1; d++) {
          long ms = time.atDate(endDay.plusDays(d)).atZone(zone).toInstant().toEpochMilli();
          if (ms <= endEpochMs + 1_000 && ms > best) {
            best = ms;
          }
        }
        return best == Long.MIN_VALUE ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(best);
      }
    }
    return java.util.OptionalLong.empty();
  }

  /**
   * Opens a stopped station's store with the key-encryption key {@code qnode certs} wrote for it
   * into {@code pki}.
   */
  static org.qkdnet.qnode.keystore.StationKeyStore openStore(Path dataDir, Path pki, String id) {
    try (org.qkdnet.qnode.crypto.KeyEncryptionKey kek =
        org.qkdnet.qnode.crypto.KeyEncryptionKey.load(pki.resolve("stations").resolve(id + ".kek"))) {
      return org.qkdnet.qnode.keystore.StationKeyStore.open(dataDir, id, kek);
    }
  }

  static Path jar() {
    String p = System.getProperty("qnode.jar");
    if (p == null || !Files.isRegularFile(Path.of(p))) {
      throw new IllegalStateException("qnode.jar not found at " + p + ": build node first (mvn package)");
    }
    return Path.of(p);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Runs a qnode CLI command to completion (bounded) and returns its exit code. */
  static int runCli(Path workDir, Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", jar().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectOutput(workDir.resolve("cli.out").toFile()).redirectErrorStream(true).start();
    if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("qnode " + String.join(" ", args) + " did not finish in " + timeout);
    }
    return p.exitValue();
  }

  static StationProcess start(String id, Path config, Path dataDir, Path tlsDir, Path logDir, String... jvmArgs)
      throws IOException {
    return startIn(List.of(), id, config, dataDir, tlsDir, logDir, id, List.of(jvmArgs));
  }

  /**
   * As above, with the output going to {@code logDir/logName.out|.err} (a restarted station gets
   * files of its own, so no incarnation's log is overwritten).
   */
  static StationProcess start(String id, Path config, Path dataDir, Path tlsDir, Path logDir, String logName,
      List<String> jvmArgs) throws IOException {
    return startIn(List.of(), id, config, dataDir, tlsDir, logDir, logName, jvmArgs);
  }

  /**
   * As {@link #start}, the command run behind {@code prefix} (e.g. {@code ip netns exec NS}, which
   * replaces itself with java, so signals reach the station itself).
   */
  static StationProcess startIn(List<String> prefix, String id, Path config, Path dataDir, Path tlsDir, Path logDir,
      String... jvmArgs) throws IOException {
    return startIn(prefix, id, config, dataDir, tlsDir, logDir, id, List.of(jvmArgs));
  }

  static StationProcess startIn(List<String> prefix, String id, Path config, Path dataDir, Path tlsDir, Path logDir,
      String logName, List<String> jvmArgs) throws IOException {
    // as bin/qnode starts a station: post-processing threads yield the CPU to relays; an
    // OutOfMemoryError stops the station (exit 3)
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(java(), "-Xmx256m", "-XX:ThreadPriorityPolicy=1", "-XX:JavaPriority1_To_OSPriority=19",
        "-XX:+DisplayVMOutputToStderr", "-XX:+ExitOnOutOfMemoryError"));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-jar", jar().toString(), "run", "--config", config.toString(), "--station", id,
        "--data-dir", dataDir.toString(), "--tls-dir", tlsDir.toString()));
    Path out = logDir.resolve(logName + ".out");
    Path err = logDir.resolve(logName + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new StationProcess(id, p, out, err);
  }

  String id() {
    return id;
  }

  /** Waits (bounded) for the station's READY line; fails with its log tail otherwise. */
  void awaitReady(Duration timeout) {
    try {
      org.awaitility.Awaitility.await("station " + id + " READY").atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("station " + id + " exited with " + process.exitValue()
                  + ":\n" + tail());
            }
            return Files.exists(stdout) && Files.readString(stdout, StandardCharsets.UTF_8).contains("READY " + id);
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      String log;
      try {
        log = tail();
      } catch (IOException io) {
        log = "(log unreadable: " + io.getMessage() + ")";
      }
      throw new IllegalStateException("station " + id + " not ready within " + timeout + ":\n" + log, e);
    }
  }

  String tail() throws IOException {
    String err = Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    return err.length() > 4000 ? err.substring(err.length() - 4000) : err;
  }

  Path stderr() {
    return stderr;
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye. */
  void kill9() throws InterruptedException {
    markEndedByHarness();
    process.destroyForcibly();
    process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** SIGTERM, without waiting. */
  void terminate() {
    markEndedByHarness();
    process.destroy();
  }

  /** SIGTERM and wait for the orderly shutdown (bounded). */
  void stop() throws InterruptedException {
    markEndedByHarness();
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Waits (bounded) for the process to end by itself; its exit code, or empty if it still runs. */
  java.util.OptionalInt exitCode(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
  }

  long pid() {
    return process.pid();
  }

  Path stdout() {
    return stdout;
  }

  /** Waits (bounded) for the process to end; true if it did. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** A process that ended on its own before the harness's signal stays ended on its own. */
  private void markEndedByHarness() {
    if (process.isAlive()) {
      endedByHarness = true;
    }
  }

  /**
   * What the supervisor needs to know of this incarnation; its end time in ms of
   * {@link System#nanoTime}.
   */
  Supervision.Facts facts(boolean held, int restartsSoFar) {
    boolean alive = process.isAlive();
    boolean harness = endedByHarness; // read after: set before the signal, so before the process ended
    long ended = endedNanos;
    long endedAtMs = alive || ended == 0 ? Supervision.NOT_SEEN_ENDED : ended / 1_000_000;
    return new Supervision.Facts(id, alive, harness, alive ? 0 : process.exitValue(), endedAtMs, held,
        restartsSoFar);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}
