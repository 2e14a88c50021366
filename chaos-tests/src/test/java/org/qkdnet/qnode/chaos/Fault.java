package org.qkdnet.qnode.chaos;

/**
 * One fault a scenario injects into the running stations and then heals. The report names it
 * {@code kind:detail}. Implementations decide everything random at construction (from the
 * schedule's seed), so the same seed gives the same faults; only what must be read from the live
 * network (the relay in use) is resolved at {@link #inject} and shows in {@link #detail} after.
 *
 * <p>Kinds: kill, pause, restart-all, rolling-restart, crash-point, partition, link-cut, disk-full,
 * clock-skew. A fault that needs something of the machine ({@link #needs}: the network lab, a
 * small disk) is skipped, with the reason in the progress and the report, where it is missing.
 */
interface Fault {
  /** What a fault may need of the machine beyond processes and loopback. */
  enum Need {
    /** {@link NetLab}: the stations in network namespaces of their own (partition, link-cut). */
    NET_LAB,
    /** {@link SmallDisk}: a tmpfs mounted on a station's data directory (disk-full). */
    SMALL_DISK
  }

  String kind();

  default java.util.Set<Need> needs() {
    return java.util.Set.of();
  }

  String detail();

  /** Before the scenario's stations start (e.g. arm a crash point in a station's next start). */
  default void prepare(Cluster c) throws Exception {
  }

  /**
   * The stations this fault looks after from its inject (or the scenario's start, see
   * {@link #holdsFromStart}) until its heal has finished: the harness's supervisor does not
   * restart them. Asked before inject and again after it (a victim inject resolves, as the relay
   * in use, is held from then). By default every station (a fault that stops or restarts stations
   * of its own: restart-all, rolling-restart).
   */
  default java.util.Set<String> holds(Cluster c) {
    return java.util.Set.copyOf(c.stations());
  }

  /** Whether {@link #holds} applies from the scenario's start (a crash point armed at start). */
  default boolean holdsFromStart() {
    return false;
  }

  /** Breaks something; returns when the fault is in place (bounded). */
  void inject(Cluster c) throws Exception;

  /** Undoes it (a killed station restarts, a paused one resumes); returns when done (bounded). */
  void heal(Cluster c) throws Exception;

  /** After the scenario's stations stopped, before its stores are read (e.g. unmount a small disk). */
  default void cleanup(Cluster c) throws Exception {
  }

  default String name() {
    return kind() + ":" + detail();
  }
}
