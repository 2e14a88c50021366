package org.qkdnet.qnode.chaos;

import java.time.Duration;
import java.util.List;

/**
 * A station's wall clock offset: inject restarts it (orderly) with {@code -Dqnode.clock-offset}
 * (StationClock: relay deadlines, key expiry and event times read the shifted clock; TLS and the
 * cluster's failure detector keep the real one), heal restarts it without. Relays through it must
 * still work or fail clearly, never hang: the workload records every failure, and the liveness
 * check wants keys flowing again after the heal.
 */
final class ClockSkewFault implements Fault {
  private final String victim;
  private final Duration offset;

  ClockSkewFault(String victim, Duration offset) {
    this.victim = victim;
    this.offset = offset;
  }

  /** As -Dqnode.clock-offset reads it: {@code -90s}, {@code +3600s}. */
  String offsetText() {
    long s = offset.toSeconds();
    return (s >= 0 ? "+" : "") + s + "s";
  }

  /** The victim: restarted by this fault at inject and at heal. */
  @Override
  public java.util.Set<String> holds(Cluster c) {
    return java.util.Set.of(victim);
  }

  @Override
  public String kind() {
    return "clock-skew";
  }

  @Override
  public String detail() {
    return victim + " " + offsetText();
  }

  @Override
  public void inject(Cluster c) throws Exception {
    c.stop(victim);
    c.armNextStart(victim, List.of("-Dqnode.clock-offset=" + offsetText()));
    c.start(victim);
    c.awaitReady(victim);
  }

  @Override
  public void heal(Cluster c) throws Exception {
    c.stop(victim);
    c.start(victim);
    c.awaitReady(victim);
  }
}
