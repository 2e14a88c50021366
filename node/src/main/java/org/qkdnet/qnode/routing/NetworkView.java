package org.qkdnet.qnode.routing;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the route planner may know about the network at one moment: which stations may take part
 * in a relay and how much key each link direction holds. Implementations must answer the same
 * way throughout one planning call (see {@link NetworkSnapshot}, which is immutable), or the
 * planner's passes over the graph could disagree.
 */
public interface NetworkView {

  /** Whether {@code station} may be the origin or the destination of a relay. */
  boolean endpointUsable(String station);

  /**
   * Whether {@code station} may be an interior station of a relay path. Stricter than
   * {@link #endpointUsable}: implies it, and also excludes stations being drained.
   */
  boolean transitUsable(String station);

  /**
   * Bytes of key that can be relayed over the link in the direction {@code from -> to}, or empty
   * if the link is not usable at all (unknown, down, suspect, or an end unusable).
   */
  OptionalLong capacity(String from, String to);

  /** Why {@code station} cannot be an endpoint, for operators; empty if it can. */
  default Optional<String> endpointProblem(String station) {
    return endpointUsable(station) ? Optional.empty() : Optional.of("not usable as an endpoint");
  }

  /** Why {@code station} cannot be a transit station, for operators; empty if it can. */
  default Optional<String> transitProblem(String station) {
    return transitUsable(station) ? Optional.empty() : Optional.of("not usable for transit");
  }

  /** Why the link has no capacity in direction {@code from -> to}; empty if it has one. */
  default Optional<String> linkProblem(String from, String to) {
    return capacity(from, to).isPresent() ? Optional.empty() : Optional.of("not usable");
  }
}
