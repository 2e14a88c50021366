package org.qkdnet.qnode.chaos;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * A station halts at a named crash point of the store or the relay ({@code -Dqnode.crash-at},
 * see CrashPoints: {@code Runtime.halt}, as abrupt as kill -9, at that exact step), after
 * {@code skip} passes. In a scenario of crash points only (ci: two or three, on different victims,
 * these first), points the relays pass ({@code relay.*}, reserve and transit syncs) are armed when
 * the scenario's stations start, with a skip beyond the warm-up, and fire under the load;
 * otherwise (soak: several faults of any kind a scenario) and for the
 * key-supply points (assign, apply), which come at the key's rate, the victim is restarted
 * orderly at inject with the point armed. Inject waits (bounded) for the point to fire; heal starts the
 * victim again unarmed. If the point is not reached in time, the victim is killed instead and the
 * detail says so.
 */
final class CrashPointFault implements Fault {
  /** Every crash point in node/src/main (grep CrashPoints.hit). */
  static final List<String> POINTS = List.of("keystore.afterApplySync", "keystore.afterAssignSync",
      "keystore.afterHandOut", "keystore.afterReserveSync", "keystore.afterTransitSync", "relay.destinationAfterStoreBeforeAck",
      "relay.originAfterReserveBeforeSend", "relay.transitAfterReserveBeforeSend");

  /**
   * From the inject, for a point armed at the scenario's start: its station runs under load, and a
   * reachable point fires within seconds (30 s only made the misses cost more).
   */
  static final Duration REACH = Duration.ofSeconds(20);
  /** From the inject, for a point armed by a restart: the station starts first (~10 s on two busy cores). */
  static final Duration REACH_AFTER_RESTART = Duration.ofSeconds(30);

  private final String point;
  private final String victim;
  private final int skip;
  private final boolean armAtStart;
  private String outcome = "";

  /**
   * @param atStart arm a relay-rate point when the scenario's stations start (a scenario of crash
   *     points on different victims: ci); otherwise, and always for the key-supply points, by a
   *     restart at inject
   */
  CrashPointFault(String point, String victim, int skip, boolean atStart) {
    if (!POINTS.contains(point)) {
      throw new IllegalArgumentException("no crash point " + point);
    }
    this.point = point;
    this.victim = victim;
    this.skip = skip;
    this.armAtStart = atStart && !point.endsWith("AssignSync") && !point.endsWith("ApplySync");
  }

  private List<String> armed() {
    return List.of("-Dqnode.crash-at=" + point, "-Dqnode.crash-skip=" + skip);
  }

  @Override
  public void prepare(Cluster c) {
    if (armAtStart) {
      c.armNextStart(victim, armed());
    }
  }

  /** The victim: its halt is this fault's doing, and heal restarts it unarmed. */
  @Override
  public java.util.Set<String> holds(Cluster c) {
    return java.util.Set.of(victim);
  }

  @Override
  public boolean holdsFromStart() {
    return armAtStart;
  }

  @Override
  public String kind() {
    return "crash-point";
  }

  @Override
  public String detail() {
    return point + " " + victim + " skip=" + skip + outcome;
  }

  @Override
  public void inject(Cluster c) throws Exception {
    StationProcess p;
    if (armAtStart) {
      p = c.process(victim);
    } else {
      c.stop(victim);
      c.armNextStart(victim, armed());
      p = c.start(victim);
    }
    Duration reach = armAtStart ? REACH : REACH_AFTER_RESTART;
    boolean crashed = p.awaitExit(reach);
    String err = Files.exists(p.stderr()) ? Files.readString(p.stderr()) : "";
    if (crashed && err.contains("CRASH POINT " + point)) {
      outcome = " (fired)";
    } else {
      outcome = crashed ? " (exited without the crash point)" : " (not reached in " + reach.toSeconds()
          + " s: killed)";
      c.kill9(victim);
    }
  }

  @Override
  public void heal(Cluster c) throws Exception {
    if (c.startIfDown(victim)) {
      c.awaitReady(victim);
    }
  }

  boolean armedAtStart() {
    return armAtStart;
  }

  boolean fired() {
    return outcome.equals(" (fired)");
  }
}
