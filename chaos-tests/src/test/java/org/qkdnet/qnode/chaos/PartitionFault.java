package org.qkdnet.qnode.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A station or a group of stations cut off from the others ({@link NetLab#cut}: every packet
 * between the two sides dropped, so the cluster's heartbeats and the LinkService's relays alike),
 * healed by removing the cut. Shorter than the failure detector's ~5.5 s the others may not even
 * notice; longer than {@link PauseFault#DOWNED_AFTER_MILLIS} the Split Brain Resolver
 * (keep-majority) downs the minority side, whose stations then stop (exit 1). At heal, as a
 * supervisor would (systemd {@code Restart=on-failure}), every station that stopped, or stops
 * within {@link PauseFault#EXIT_WATCH} of the heal, is started again.
 */
final class PartitionFault implements Fault {
  private final Set<String> group;
  private final long millis;
  private String outcome = "";

  PartitionFault(Set<String> group, long millis) {
    if (group.isEmpty()) {
      throw new IllegalArgumentException("an empty group cuts nothing off");
    }
    this.group = new TreeSet<>(group);
    this.millis = millis;
  }

  /**
   * The cut-off stations: one downed and restarted inside the partition could found a cluster of
   * its own there, so heal restarts them, once the cut is gone.
   */
  @Override
  public java.util.Set<String> holds(Cluster c) {
    return java.util.Set.copyOf(group);
  }

  @Override
  public String kind() {
    return "partition";
  }

  @Override
  public String detail() {
    return String.join(",", group) + " " + String.format(Locale.ROOT, "%.1fs", millis / 1000.0) + outcome;
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.NET_LAB);
  }

  @Override
  public void inject(Cluster c) throws Exception {
    c.lab().cut(group);
  }

  @Override
  public void heal(Cluster c) throws Exception {
    c.lab().healAll();
    if (millis >= PauseFault.DOWNED_AFTER_MILLIS) {
      // downed members stop by themselves: give them the time to, bounded
      long until = System.nanoTime() + PauseFault.EXIT_WATCH.toNanos();
      for (String id : group) {
        if (c.isAlive(id)) {
          c.process(id).awaitExit(Duration.ofNanos(Math.max(0, until - System.nanoTime())));
        }
      }
    }
    List<String> restarted = new ArrayList<>();
    for (String id : c.stations()) {
      // a station outside the group is the supervisor's: it may have restarted it already
      if (c.startIfDown(id)) {
        restarted.add(id);
      }
    }
    for (String id : restarted) {
      c.awaitReady(id);
    }
    outcome = restarted.isEmpty() ? " (no station stopped)" : " (stopped, restarted: " + String.join(",", restarted)
        + ")";
  }
}
