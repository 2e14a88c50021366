package org.qkdnet.qnode.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one station publishes for routing, replaced whole on every change.
 *
 * @param station the publisher
 * @param incarnation identifies the publisher's process (its cluster member uid): a report of an
 *     earlier incarnation of a restarted station describes links that may no longer serve, so
 *     readers ignore it
 * @param version increases with every report of this incarnation
 * @param storeHealthy false once the station's key store failed closed: route nothing through it
 * @param drained true while an operator drains the station: no new transit or origin relays
 * @param links one report per fiber link of the station
 */
public record StationReport(
    String station, long incarnation, long version, boolean storeHealthy, boolean drained, List<LinkReport> links) {

  public StationReport {
    Objects.requireNonNull(station, "station");
    links = List.copyOf(links);
    for (LinkReport l : links) {
      if (!l.station().equals(station)) {
        throw new IllegalArgumentException("link report of " + l.station() + " inside the report of " + station);
      }
    }
  }

  public Optional<LinkReport> link(String peer) {
    return links.stream().filter(l -> l.peer().equals(peer)).findFirst();
  }
}
