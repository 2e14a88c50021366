package org.qkdnet.qnode.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.qkdnet.qnode.admin.NetworkPicture;

/**
 * What changed between two pictures of the network (and the routes between stations with SAEs),
 * as events: pure, so the station's watch tick only publishes what this returns.
 */
public final class PictureDiff {
  private PictureDiff() {}

  /** An event before it is numbered and timed. */
  public record Change(NetworkEvent.Kind kind, String subject, String detail) {}

  /**
   * Changes from {@code before} to {@code after}; routes are keyed "A->B" with the path's stations
   * (an empty list: no route). A null {@code before} (the first picture) yields no change.
   */
  public static List<Change> diff(NetworkPicture before, Map<String, List<String>> routesBefore,
      NetworkPicture after, Map<String, List<String>> routesAfter) {
    List<Change> out = new ArrayList<>();
    if (before == null) {
      return out;
    }
    for (NetworkPicture.MemberState m : after.members()) {
      NetworkPicture.MemberState was = before.member(m.id()).orElse(null);
      if (was == null || was.condition().equals(m.condition())) {
        continue;
      }
      out.add(new Change(NetworkEvent.Kind.MEMBER, m.id(), was.condition() + " -> " + m.condition()));
      switch (m.condition()) {
        case "UNREACHABLE" -> out.add(new Change(NetworkEvent.Kind.ALARM, m.id(),
            "station " + m.id() + " is unreachable"));
        case "STORE_FAILED" -> out.add(new Change(NetworkEvent.Kind.ALARM, m.id(),
            "the key store of " + m.id() + " failed: it fails closed and is routed round"));
        case "ABSENT", "DOWN", "REMOVED" -> out.add(new Change(NetworkEvent.Kind.ALARM, m.id(),
            "station " + m.id() + " left the cluster (" + m.status() + ")"));
        default -> { }
      }
    }
    for (NetworkPicture.LinkState l : after.links()) {
      NetworkPicture.LinkState was = before.link(l.name()).orElse(null);
      if (was == null) {
        continue;
      }
      if (!was.state().equals(l.state())) {
        out.add(new Change(NetworkEvent.Kind.LINK, l.name(), was.state() + " -> " + l.state()));
        if ("QUARANTINED".equals(l.state())) {
          out.add(new Change(NetworkEvent.Kind.ALARM, l.name(), "link " + l.name()
              + " is quarantined: its two ends disagree about used key; it is re-keyed under a new epoch"));
        }
      }
      supplyChange(l.name(), was.endA(), l.endA(), out);
      supplyChange(l.name(), was.endB(), l.endB(), out);
    }
    for (Map.Entry<String, List<String>> r : routesAfter.entrySet()) {
      List<String> was = routesBefore.get(r.getKey());
      if (was == null || Objects.equals(was, r.getValue())) {
        continue;
      }
      out.add(new Change(NetworkEvent.Kind.ROUTE, r.getKey(), text(was) + " -> " + text(r.getValue())));
      if (r.getValue().isEmpty()) {
        out.add(new Change(NetworkEvent.Kind.ALARM, r.getKey(), "no route " + r.getKey() + " now"));
      }
    }
    return out;
  }

  /**
   * An end that found its link short of key, or no longer does (docs/key-supply.md, section 5):
   * its post-processing moved to the urgent tier, or back. Not an alarm: relays still run.
   */
  private static void supplyChange(String link, NetworkPicture.LinkEnd was, NetworkPicture.LinkEnd now,
      List<Change> out) {
    if (was.shortOfKey() != now.shortOfKey()) {
      out.add(new Change(NetworkEvent.Kind.LINK, link, now.shortOfKey()
          ? "short of key at " + now.station() + ": its post-processing comes first"
          : "key enough at " + now.station() + " again"));
    }
  }

  private static String text(List<String> path) {
    return path.isEmpty() ? "none" : String.join(",", path);
  }
}
