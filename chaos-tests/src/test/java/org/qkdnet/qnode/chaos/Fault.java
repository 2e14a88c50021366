package org.qkdnet.qnode.chaos;

/**
 * One fault a scenario injects into the running stations and then heals. The report names it
 * {@code kind:detail}. Implementations decide everything random at construction (from the
 * schedule's seed), so the same seed gives the same faults; only what must be read from the live
 * network (the relay in use) is resolved at {@link #inject} and shows in {@link #detail} after.
 *
 * <p>Kinds of phase 1: kill, pause, restart-all, rolling-restart, crash-point. Partition,
 * link-cut, disk-full and clock-skew plug in the same way (inject cuts, heal restores).
 */
interface Fault {
  String kind();

  String detail();

  /** Before the scenario's stations start (e.g. arm a crash point in a station's next start). */
  default void prepare(Cluster c) {
  }

  /** Breaks something; returns when the fault is in place (bounded). */
  void inject(Cluster c) throws Exception;

  /** Undoes it (a killed station restarts, a paused one resumes); returns when done (bounded). */
  void heal(Cluster c) throws Exception;

  default String name() {
    return kind() + ":" + detail();
  }
}
