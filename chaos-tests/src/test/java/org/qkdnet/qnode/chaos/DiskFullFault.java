package org.qkdnet.qnode.chaos;

import java.nio.file.Files;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A station's data directory runs out of space: from the scenario's start it is a small disk of
 * its own ({@link SmallDisk}, a tmpfs of its data plus {@link #HEADROOM}), filled to the last
 * byte at inject. The station must fail closed (stop, exit non-zero, its log naming the disk)
 * with nothing it stored lost; inject waits for that (bounded by {@link #STOP_WATCH}) and the
 * detail says what happened. Heal gives the space back and starts the station again if it
 * stopped; after the scenario its data moves back onto the ordinary disk.
 */
final class DiskFullFault implements Fault {
  /**
   * Free space on the small disk at the start: above the station's qnode.keystore.min-free-bytes
   * (64 MiB by default: below it a station refuses to start), with room for the scenario's writes.
   */
  static final long HEADROOM = 128L << 20;
  static final Duration STOP_WATCH = Duration.ofSeconds(30);

  private final String victim;
  private String outcome = "";

  DiskFullFault(String victim) {
    this.victim = victim;
  }

  /** The victim: it stops (exit 1) while its disk is full, and heal frees the space and restarts it. */
  @Override
  public java.util.Set<String> holds(Cluster c) {
    return java.util.Set.of(victim);
  }

  @Override
  public String kind() {
    return "disk-full";
  }

  @Override
  public String detail() {
    return victim + outcome;
  }

  @Override
  public Set<Need> needs() {
    return Set.of(Need.SMALL_DISK);
  }

  @Override
  public void prepare(Cluster c) throws Exception {
    c.smallDisk(victim, HEADROOM);
  }

  @Override
  public void inject(Cluster c) throws Exception {
    SmallDisk d = c.smallDisk(victim, HEADROOM);
    StationProcess p = c.process(victim);
    d.fill();
    OptionalInt exit = p.exitCode(STOP_WATCH);
    if (exit.isEmpty()) {
      outcome = " (still running " + STOP_WATCH.toSeconds() + " s after the disk filled)";
      return;
    }
    String log = Files.exists(p.stderr()) ? Files.readString(p.stderr()) : "";
    boolean named = log.toLowerCase(java.util.Locale.ROOT).contains("no space left on device");
    outcome = " (stopped, exit " + exit.getAsInt() + (named ? ", its log naming the disk" : ", its log not naming"
        + " the disk") + ")";
  }

  @Override
  public void heal(Cluster c) throws Exception {
    c.smallDisk(victim, HEADROOM).free();
    if (c.startIfDown(victim)) {
      c.awaitReady(victim);
    }
  }

  @Override
  public void cleanup(Cluster c) throws Exception {
    c.releaseSmallDisk(victim);
  }
}
