package org.qkdnet.qnode.events;

import java.util.Objects;

/**
 * Something an operator watches for: a member, link or route changed, an alarm, a relay. Text
 * only, never key material.
 *
 * @param seq increasing per station (gaps mean a watcher missed events)
 * @param timeMillis when the station noticed it (its wall clock)
 * @param station the station that noticed it
 * @param subject what it is about: a station id, a link "A-B", a route "A->B", a relay id
 * @param detail one line for people, e.g. "UP -> ADMIN_DOWN"
 */
public record NetworkEvent(long seq, long timeMillis, String station, Kind kind, String subject, String detail) {
  public enum Kind {
    /** A station joined, left, became unreachable or reachable, was drained or undrained. */
    MEMBER,
    /** A link's state changed (UP, DOWN, ADMIN_DOWN, QUARANTINED). */
    LINK,
    /** The route between two stations with SAEs changed, appeared or was lost. */
    ROUTE,
    /** Needs an operator: a quarantined link, a failed store, an unreachable member, a lost route. */
    ALARM,
    /** A relay this station took part in, with its path and outcome. */
    RELAY
  }

  public NetworkEvent {
    Objects.requireNonNull(station, "station");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(detail, "detail");
  }
}
