package org.qkdnet.qnode.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.qkdnet.qnode.admin.AdminView;
import org.qkdnet.qnode.admin.NetworkPicture;
import org.qkdnet.qnode.config.SaeSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the network on every {@link #tick()} (the station runs it once a second) and publishes
 * what changed since the last look: members, links, and the routes a key from this station would
 * take to every other station with SAEs.
 */
public final class NetworkWatch {
  private static final Logger log = LoggerFactory.getLogger(NetworkWatch.class);

  private final AdminView view;
  private final EventHub hub;
  private final List<String> destinations;
  private NetworkPicture last;
  private Map<String, List<String>> lastRoutes = Map.of();

  public NetworkWatch(AdminView view, EventHub hub) {
    this.view = view;
    this.hub = hub;
    TreeSet<String> d = new TreeSet<>();
    for (SaeSpec s : view.topology().saes()) {
      d.add(s.stationId());
    }
    d.remove(view.station());
    this.destinations = List.copyOf(d);
  }

  /** Takes a new look and publishes the changes; never throws (a failed look is logged and skipped). */
  public synchronized void tick() {
    try {
      NetworkPicture now = NetworkPicture.of(view);
      Map<String, List<String>> routes = new LinkedHashMap<>();
      for (String to : destinations) {
        // the path only: explaining every station and link each second for each destination was
        // 4 % of the Hubei demo's CPU (25 stations' watches)
        routes.put(view.station() + "->" + to, view.route(view.station(), to).map(List::copyOf).orElse(List.of()));
      }
      for (PictureDiff.Change c : PictureDiff.diff(last, lastRoutes, now, routes)) {
        hub.publish(c.kind(), c.subject(), c.detail());
      }
      last = now;
      lastRoutes = routes;
    } catch (RuntimeException e) {
      log.warn("network watch skipped a look: {}", e.toString());
    }
  }

  /** The last picture taken, or null before the first tick. */
  public synchronized NetworkPicture last() {
    return last;
  }
}
