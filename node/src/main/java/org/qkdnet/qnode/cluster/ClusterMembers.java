package org.qkdnet.qnode.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/** The cluster's members as this station sees them now, for operators (the admin API). */
public final class ClusterMembers {
  private ClusterMembers() {}

  /**
   * One member.
   *
   * @param station its station id (from its {@code station-<ID>} role)
   * @param role "backbone", "relay", or "" if it carries neither role
   * @param status Pekko's member status (Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed)
   * @param reachable false while this station's failure detector finds it unreachable
   */
  public record Member(String station, String role, String status, boolean reachable) {}

  /** Members with a station role, in address order. */
  public static List<Member> of(ActorSystem<?> system) {
    var state = Cluster.get(system).state();
    Set<org.apache.pekko.cluster.Member> unreachable = new HashSet<>(state.getUnreachable());
    List<Member> out = new ArrayList<>();
    for (org.apache.pekko.cluster.Member m : state.getMembers()) {
      String station = null;
      String role = "";
      for (String r : m.getRoles()) {
        if (r.startsWith(ClusterMembership.STATION_ROLE_PREFIX)) {
          station = r.substring(ClusterMembership.STATION_ROLE_PREFIX.length());
        } else if (r.equals("backbone") || r.equals("relay")) {
          role = r;
        }
      }
      if (station != null) {
        out.add(new Member(station, role, statusName(m), !unreachable.contains(m)));
      }
    }
    return out;
  }

  private static String statusName(org.apache.pekko.cluster.Member m) {
    String s = m.status().toString(); // e.g. "Up", "WeaklyUp"
    return s.isEmpty() ? "Unknown" : s;
  }

}
