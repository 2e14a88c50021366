package org.qkdnet.qnode.chaos;

/**
 * Cold restart of every station: all killed at once ({@code sigkill}, a site power loss) or all
 * stopped orderly ({@code sigterm}), then all started again at heal.
 */
final class RestartAllFault implements Fault {
  private final boolean kill;

  RestartAllFault(boolean kill) {
    this.kill = kill;
  }

  @Override
  public String kind() {
    return "restart-all";
  }

  @Override
  public String detail() {
    return kill ? "sigkill" : "sigterm";
  }

  @Override
  public void inject(Cluster c) throws Exception {
    if (kill) {
      for (String id : c.stations()) {
        c.kill9(id);
      }
    } else {
      c.stopAll();
    }
  }

  @Override
  public void heal(Cluster c) throws Exception {
    c.startAll();
  }
}
