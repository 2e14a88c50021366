package org.qkdnet.qnode.chaos;

import java.util.List;

/**
 * Rolling restart under load: one station after the other (in the order drawn from the seed) is
 * stopped orderly, started again and waited for, with a pause between stations so the cluster
 * settles. The whole roll is the fault window; heal has nothing left to do.
 */
final class RollingRestartFault implements Fault {
  private final List<String> order;
  private final long gapMillis;

  RollingRestartFault(List<String> order, long gapMillis) {
    this.order = List.copyOf(order);
    this.gapMillis = gapMillis;
  }

  @Override
  public String kind() {
    return "rolling-restart";
  }

  @Override
  public String detail() {
    return String.join(",", order);
  }

  @Override
  public void inject(Cluster c) throws Exception {
    for (String id : order) {
      c.stop(id);
      c.start(id);
      c.awaitReady(id);
      Thread.sleep(gapMillis);
    }
  }

  @Override
  public void heal(Cluster c) {
    // every station is running again already
  }
}
