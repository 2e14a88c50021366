package org.qkdnet.qnode.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * What the harness's supervisor does, as systemd would with the deployment unit
 * ({@code deploy/qnode@.service}: {@code Restart=on-failure}, {@code RestartPreventExitStatus=2}):
 * a station whose process ended by itself with a failure (its store failed closed, the cluster
 * removed it, it halted) is started again after a delay, at most {@link #MAX_RESTARTS} times a
 * scenario. Not restarted: a station the harness stopped or killed itself (the fault that did it
 * restarts it), one a fault holds (a crash point's victim, a partitioned or paused station, a full
 * disk's), one that ended with exit 0 (orderly) or 2 (bad settings: restarting does not help).
 * Pure: the facts come from {@link Cluster}.
 */
final class Supervision {
  /** systemd's unit waits 5 s; a scenario lasts a minute, so the harness waits 2 s. */
  static final long RESTART_DELAY_MS = 2_000;
  /** As systemd's start limit: a station that keeps failing is left down (and said so). */
  static final int MAX_RESTARTS = 5;

  private Supervision() {}

  /**
   * One station's current incarnation. {@code endedAtMs} and {@code exitCode} matter only when it
   * is not alive.
   */
  record Facts(String id, boolean alive, boolean endedByHarness, int exitCode, long endedAtMs, boolean held,
      int restartsSoFar) {}

  /** What to do now. */
  record Decision(List<String> restart, List<String> givenUp) {}

  static Decision decide(List<Facts> stations, long nowMs) {
    List<String> restart = new ArrayList<>();
    List<String> givenUp = new ArrayList<>();
    for (Facts f : stations) {
      if (f.alive() || f.endedByHarness() || f.held() || f.exitCode() == 0 || f.exitCode() == 2
          || nowMs - f.endedAtMs() < RESTART_DELAY_MS) {
        continue;
      }
      (f.restartsSoFar() < MAX_RESTARTS ? restart : givenUp).add(f.id());
    }
    return new Decision(restart, givenUp);
  }
}
