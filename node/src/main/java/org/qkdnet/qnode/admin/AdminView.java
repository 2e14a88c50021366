package org.qkdnet.qnode.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.qkdnet.qnode.cluster.ClusterMembers;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.routing.RouteDecision;
import org.qkdnet.qnode.routing.StationReport;

/** What the admin API reads at the answering station: figures only, never key material. */
public interface AdminView {
  String station();

  /** The station's member, link, route, alarm and relay events. */
  org.qkdnet.qnode.events.EventHub events();

  TopologySpec topology();

  /** Cluster members as this station sees them. */
  List<ClusterMembers.Member> members();

  /** Every station's published link state (current incarnations), by station id. */
  Map<String, StationReport> reports();

  long uptimeMillis();

  String version();

  /** Why this station's key store failed, or empty. */
  Optional<String> storeFailure();

  /** The route decision from {@code from} to {@code to} for one 256-bit key now. */
  RouteDecision explainRoute(String from, String to);

  /**
   * The route of {@link #explainRoute} without the reasons (which cost a look at every station and
   * link): what a watch that only compares routes needs.
   */
  default Optional<List<String>> route(String from, String to) {
    return explainRoute(from, to).path();
  }

  /** Up to {@code k} node-disjoint routes with key from {@code from} to {@code to} now. */
  List<List<String>> disjointRoutes(String from, String to, int k);

  /**
   * Drains ({@code on}) or undrains this station durably, logged with the operator's name; returns
   * once its published link state says so (bounded), with what it did.
   */
  String setDrained(boolean on, String operator) throws InterruptedException;

  /** What a zeroize did at this end. */
  record Zeroized(long burnedBytes, boolean rekeyed, String detail) {}

  /**
   * Burns every unused byte of this station's link to {@code peer} (quarantine: both ends burn,
   * then re-key under a new epoch); returns once the re-key is done or after a bounded wait.
   */
  Zeroized zeroizeLink(String peer, String operator) throws InterruptedException;

  /**
   * Takes this station's end of the link to {@code peer} down or up (durably), logged with the
   * operator's name; returns once its published link state says so (bounded), with what it did.
   */
  String setLinkDown(String peer, boolean down, String operator) throws InterruptedException;

  /**
   * How a probe went: the route (the last attempt's), each hop's time and the total in
   * microseconds, or why it failed (a relay reason code and detail).
   */
  record Probe(boolean delivered, List<String> path, List<Long> hopMicros, long totalMicros, String reason,
      String detail) {
    public Probe {
      path = List.copyOf(path);
      hopMicros = List.copyOf(hopMicros);
    }
  }

  /**
   * Relays one test key for no SAE from this station to {@code to} (burned at both ends), logged
   * with the operator's name; returns once it was answered (bounded by the relay timeout).
   */
  Probe probe(String to, String operator) throws InterruptedException;
}
