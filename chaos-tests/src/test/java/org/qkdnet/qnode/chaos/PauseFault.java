package org.qkdnet.qnode.chaos;

import java.time.Duration;

/**
 * SIGSTOP of one station, SIGCONT at heal: a pause shorter than the failure detector's
 * (unnoticed, or just unreachable for a while) or longer than the Split Brain Resolver's
 * stable-after (the others down it; the resumed process finds itself removed from the cluster).
 *
 * <p>After a long pause the heal acts as a supervisor would (systemd {@code Restart=on-failure}):
 * if the resumed station exits within {@link #EXIT_WATCH} (a downed member cannot rejoin with
 * the same actor system, so exiting for a restart is its way back), it is started again. A
 * station that stays up though removed is left as it is: the liveness check then shows it.
 */
final class PauseFault implements Fault {
  /** Failure detection (~5.5 s) plus the SBR's stable-after (7 s): a longer pause gets the station downed. */
  static final long DOWNED_AFTER_MILLIS = 12_500;
  static final Duration EXIT_WATCH = Duration.ofSeconds(10);

  private final String victim;
  private final long millis;
  private String outcome = "";

  PauseFault(String victim, long millis) {
    this.victim = victim;
    this.millis = millis;
  }

  /** The victim: stopped by this fault, and restarted by its heal if it exits after resuming. */
  @Override
  public java.util.Set<String> holds(Cluster c) {
    return java.util.Set.of(victim);
  }

  @Override
  public String kind() {
    return "pause";
  }

  @Override
  public String detail() {
    return victim + " " + String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0) + outcome;
  }

  @Override
  public void inject(Cluster c) throws Exception {
    c.pause(victim);
  }

  @Override
  public void heal(Cluster c) throws Exception {
    c.resume(victim);
    if (millis < DOWNED_AFTER_MILLIS) {
      return;
    }
    if (c.process(victim).awaitExit(EXIT_WATCH)) {
      outcome = " (exited after resuming: restarted)";
      if (c.startIfDown(victim)) {
        c.awaitReady(victim);
      }
    } else {
      outcome = " (still running " + EXIT_WATCH.toSeconds() + " s after resuming)";
    }
  }
}
