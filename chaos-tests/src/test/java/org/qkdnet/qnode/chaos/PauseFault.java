package org.qkdnet.qnode.chaos;

/**
 * SIGSTOP of one station, SIGCONT at heal: a pause shorter than the failure detector's
 * (unnoticed, or just unreachable for a while) or longer than the Split Brain Resolver's
 * stable-after (the others down it; the resumed process finds itself removed).
 */
final class PauseFault implements Fault {
  private final String victim;
  private final long seconds;

  PauseFault(String victim, long seconds) {
    this.victim = victim;
    this.seconds = seconds;
  }

  @Override
  public String kind() {
    return "pause";
  }

  @Override
  public String detail() {
    return victim + " " + seconds + "s";
  }

  @Override
  public void inject(Cluster c) throws Exception {
    c.pause(victim);
  }

  @Override
  public void heal(Cluster c) throws Exception {
    c.resume(victim);
  }
}
