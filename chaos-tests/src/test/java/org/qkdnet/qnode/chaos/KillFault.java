package org.qkdnet.qnode.chaos;

import java.util.List;

/**
 * {@code kill -9} of one station, restarted at heal: a chosen station ({@code kill:random BRA}),
 * or the transit station a pair's keys go through right now, asked of the origin's admin API
 * ({@code kill:relay-in-use ALP>CHA=BRA}).
 */
final class KillFault implements Fault {
  private final String victim;
  private final ChaosNetwork.Pair relayOf;
  private final String fallback;
  private String resolved;
  private String how = "";

  private KillFault(String victim, ChaosNetwork.Pair relayOf, String fallback) {
    this.victim = victim;
    this.relayOf = relayOf;
    this.fallback = fallback;
  }

  static KillFault station(String victim) {
    return new KillFault(victim, null, null);
  }

  /** The first transit station of {@code pair}'s current route; {@code fallback} if it has none. */
  static KillFault relayInUse(ChaosNetwork.Pair pair, String fallback) {
    return new KillFault(null, pair, fallback);
  }

  /**
   * The victim, which heal restarts (the supervisor never restarts a station the harness killed
   * anyway). The relay in use is known only once inject asked for it: empty before.
   */
  @Override
  public java.util.Set<String> holds(Cluster c) {
    String v = resolved != null ? resolved : victim;
    return v == null ? java.util.Set.of() : java.util.Set.of(v);
  }

  @Override
  public String kind() {
    return "kill";
  }

  @Override
  public String detail() {
    if (relayOf == null) {
      return "random " + victim;
    }
    return "relay-in-use " + relayOf.name() + (resolved == null ? "" : "=" + resolved + how);
  }

  @Override
  public void inject(Cluster c) throws Exception {
    resolved = victim;
    if (relayOf != null) {
      String from = c.net().stationOf(relayOf.master());
      List<String> path = c.route(from, c.net().stationOf(relayOf.slave()));
      resolved = path.size() > 2 ? path.get(1) : fallback;
      how = path.size() > 2 ? "" : " (no transit on the route " + path + ")";
    }
    c.kill9(resolved);
  }

  @Override
  public void heal(Cluster c) throws Exception {
    if (c.startIfDown(resolved)) {
      c.awaitReady(resolved);
    }
  }
}
