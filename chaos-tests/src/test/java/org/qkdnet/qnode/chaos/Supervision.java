package org.qkdnet.qnode.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the harness's supervisor does, as systemd would with the deployment unit
 * ({@code deploy/qnode@.service}: {@code Restart=on-failure}, {@code RestartSec=5s},
 * {@code RestartPreventExitStatus=2}): a station whose process ended on its own with a failure (its
 * store failed closed, the cluster removed it, it was killed by something other than the harness)
 * is started again {@link #RESTART_DELAY_MS} after it ended, at most {@link #MAX_RESTARTS} times a
 * scenario. Not restarted: a station the harness stopped or killed itself (the fault that did it
 * restarts it), one a fault holds ({@link Holds}: a crash point's victim, a partitioned or paused
 * station, a full disk's), one that ended with exit 0 (orderly) or 2 (bad settings: restarting
 * does not help). Pure: {@link Cluster} gathers the facts and does the restarts.
 */
final class Supervision {
  /**
   * systemd's unit waits 5 s; a scenario lasts about a minute and its liveness bound is 45 s from
   * the last heal, so the harness waits 2 s: long enough not to restart into the same second's
   * failure, short enough to leave the restarted station time to join and deliver.
   */
  static final long RESTART_DELAY_MS = 2_000;
  /** As systemd's StartLimitBurst: a station that keeps failing is left down (and said so). */
  static final int MAX_RESTARTS = 5;
  /** How often the supervisor looks at the stations. */
  static final long PERIOD_MS = 500;
  /** {@link Facts#endedAtMs} of a process not seen to end yet (the JDK's reaper has not said so). */
  static final long NOT_SEEN_ENDED = Long.MIN_VALUE;

  private Supervision() {}

  /**
   * One station's current incarnation. {@code exitCode} and {@code endedAtMs} (on the clock of
   * {@link #decide}'s {@code nowMs}) matter only when it is not alive.
   */
  record Facts(String id, boolean alive, boolean endedByHarness, int exitCode, long endedAtMs, boolean held,
      int restartsSoFar) {}

  /** What to do now: stations to start again, and stations past the start limit that would be. */
  record Decision(List<String> restart, List<String> givenUp) {}

  static Decision decide(List<Facts> stations, long nowMs) {
    List<String> restart = new ArrayList<>();
    List<String> givenUp = new ArrayList<>();
    for (Facts f : stations) {
      if (f.alive() || f.endedByHarness() || f.held() || f.exitCode() == 0 || f.exitCode() == 2
          || f.endedAtMs() == NOT_SEEN_ENDED || nowMs - f.endedAtMs() < RESTART_DELAY_MS) {
        continue;
      }
      (f.restartsSoFar() < MAX_RESTARTS ? restart : givenUp).add(f.id());
    }
    return new Decision(restart, givenUp);
  }

  /**
   * The stations faults hold, counted: two faults may hold the same station (a crash point armed
   * at the start and a later fault on its victim); it is free once each released it. Not thread-safe:
   * {@link Cluster} guards it.
   */
  static final class Holds {
    private final Map<String, Integer> counts = new TreeMap<>();

    void hold(Collection<String> ids) {
      for (String id : ids) {
        counts.merge(id, 1, Integer::sum);
      }
    }

    /** Releases one hold of each; releasing a station not held does nothing. */
    void release(Collection<String> ids) {
      for (String id : ids) {
        counts.computeIfPresent(id, (k, n) -> n > 1 ? n - 1 : null);
      }
    }

    void clear() {
      counts.clear();
    }

    boolean isHeld(String id) {
      return counts.containsKey(id);
    }
  }
}
