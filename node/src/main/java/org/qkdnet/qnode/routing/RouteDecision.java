package org.qkdnet.qnode.routing;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Why the planner chose a route, or none, for operators: {@link RoutePlanner#explain}.
 *
 * @param path the chosen path, origin first; empty if there is no route
 * @param bottleneck the least capacity along the path; {@link Long#MAX_VALUE} for a path that
 *     stays at its origin, 0 without a path
 * @param reserveWaived true if no route kept the reserve and this one draws a link below it
 * @param excludedStations station id -> why it could not take part (as endpoint or transit)
 * @param excludedLinks link -> why it could not carry this relay, e.g. {@code "status DOWN at CHA"};
 *     capacity is per direction, so its reason names one, e.g.
 *     {@code "ALP->BRA: capacity 120 B below 4160 B"}. Links at an excluded station are not listed
 *     again.
 * @param summary one line: the route and its figures, or why there is none
 */
public record RouteDecision(
    Optional<List<String>> path,
    long bottleneck,
    boolean reserveWaived,
    Map<String, String> excludedStations,
    Map<LinkKey, String> excludedLinks,
    String summary) {

  public RouteDecision {
    path = Objects.requireNonNull(path, "path").map(List::copyOf);
    excludedStations = Collections.unmodifiableMap(new TreeMap<>(excludedStations));
    excludedLinks = Collections.unmodifiableMap(new TreeMap<>(excludedLinks));
    Objects.requireNonNull(summary, "summary");
  }

  /** Links the path crosses; -1 without a path. */
  public int hops() {
    return path.map(p -> p.size() - 1).orElse(-1);
  }
}
