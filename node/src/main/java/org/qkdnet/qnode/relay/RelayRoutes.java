package org.qkdnet.qnode.relay;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.qkdnet.qnode.routing.LinkKey;

/** The routing and registry views the relay needs; the station implements it over routing and the cluster. */
public interface RelayRoutes {
  /** Stations and links a retry must route around, grown by each failed attempt. */
  record Avoid(Set<String> stations, Set<LinkKey> links) {
    public static final Avoid NONE = new Avoid(Set.of(), Set.of());

    public Avoid {
      stations = Set.copyOf(stations);
      links = Set.copyOf(links);
    }

    public Avoid withStation(String s) {
      java.util.Set<String> x = new java.util.HashSet<>(stations);
      x.add(s);
      return new Avoid(x, links);
    }

    public Avoid withLink(String a, String b) {
      java.util.Set<LinkKey> x = new java.util.HashSet<>(links);
      x.add(LinkKey.of(a, b));
      return new Avoid(stations, x);
    }

    public boolean avoidsLink(String a, String b) {
      return links.contains(LinkKey.of(a, b));
    }
  }

  /** The best usable route self .. destination carrying {@code needBytes} per hop, or empty. */
  Optional<List<String>> route(String destination, long needBytes, Avoid avoid);

  /**
   * Whether {@code k} node-disjoint routes of answering stations and links exist whatever their
   * key: tells "not enough key" from "no route" when a request finds none.
   */
  boolean routesExistIgnoringKey(String destination, int k, Avoid avoid);

  /** A short account of why no route carries {@code needBytes} (for the failure's detail). */
  String whyNoRoute(String destination, long needBytes, Avoid avoid);

  /** Up to {@code k} usable node-disjoint routes self .. destination (fewer if fewer exist). */
  List<List<String>> disjointRoutes(String destination, int k, long needBytes, Avoid avoid);

  /** Bytes a relay can consume along {@code route} now: the smallest pool on it (0 if unusable). */
  long capacity(List<String> route);

  /** Why {@code path} cannot carry a relay (not a simple path of the topology, too many hops), or empty. */
  Optional<String> pathProblem(List<String> path);

  /** Whether {@code saeId} is registered at {@code stationId}. */
  boolean isSaeAt(String saeId, String stationId);

  /** The access policy: may {@code masterSae} share keys with {@code slaveSae}? */
  default boolean pairAllowed(String masterSae, String slaveSae) {
    return true;
  }

  /** Whether an operator drained this station: no new transit relays pass through it. */
  default boolean drained() {
    return false;
  }

  /** A neighbour that failed at transport level: keep it out of routes for a short quarantine. */
  void suspect(String station);

  /**
   * A link whose far end did not answer at transport level while it may live (it is the
   * destination: another route may reach it): keep the link out of routes for a short quarantine.
   */
  default void suspectLink(String a, String b) {}

  /** Whether this station currently suspects {@code station}. */
  boolean isSuspect(String station);
}
