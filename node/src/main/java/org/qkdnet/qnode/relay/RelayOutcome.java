package org.qkdnet.qnode.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The answer that travels back along a relay path. Reasons are stable machine-readable codes;
 * details are for operators and never contain key material.
 *
 * @param delivered the destination stored the keys for the slave SAE
 * @param shareHeld multipath: the destination holds this share and waits for the group's others
 * @param suspect for transport failures: the neighbour of {@code failedAt} that did not answer
 * @param times probes only: how long each station from the destination back took from receiving
 *     its hop to answering it, destination first (empty for key relays)
 */
public record RelayOutcome(
    String relayId, boolean delivered, boolean shareHeld, String reason, String detail, String failedAt,
    String suspect, List<StationTime> times) {

  /** How long {@code station} took from receiving a probe's hop to answering it. */
  public record StationTime(String station, long micros) {}

  /** Most station times an answer carries (a path's stations beyond the origin). */
  public static final int MAX_TIMES = 16;

  public RelayOutcome {
    times = List.copyOf(times);
  }

  public RelayOutcome(String relayId, boolean delivered, boolean shareHeld, String reason, String detail,
      String failedAt, String suspect) {
    this(relayId, delivered, shareHeld, reason, detail, failedAt, suspect, List.of());
  }

  /** This answer with {@code station}'s own time added after the others (probes). */
  public RelayOutcome withTime(String station, long micros) {
    if (times.size() >= MAX_TIMES) {
      return this;
    }
    List<StationTime> t = new ArrayList<>(times);
    t.add(new StationTime(station, micros));
    return new RelayOutcome(relayId, delivered, shareHeld, reason, detail, failedAt, suspect, t);
  }

  public static final String POOL_EXHAUSTED = "POOL_EXHAUSTED";
  public static final String NO_ROUTE = "NO_ROUTE";
  public static final String UNREACHABLE = "UNREACHABLE";
  public static final String TIMEOUT = "TIMEOUT";
  public static final String BAD_TAG = "BAD_TAG";
  public static final String BAD_REQUEST = "BAD_REQUEST";
  public static final String PAD_RANGE_REJECTED = "PAD_RANGE_REJECTED";
  public static final String DUPLICATE_RELAY_ID = "DUPLICATE_RELAY_ID";
  public static final String UNKNOWN_SAE = "UNKNOWN_SAE";
  public static final String STORE_FAILED = "STORE_FAILED";
  public static final String SHARE_REFUSED = "SHARE_REFUSED";
  public static final String INTERNAL = "INTERNAL";
  /** A transit station on the path is drained by an operator: no new relays pass through it. */
  public static final String DRAINED = "DRAINED";
  /** The destination's access policy does not allow the SAE pair. */
  public static final String NOT_ALLOWED = "NOT_ALLOWED";
  /** The slave SAE has too many keys waiting at the destination. */
  public static final String SLAVE_BACKLOG = "SLAVE_BACKLOG";

  /**
   * Failures another route may avoid: a station or link that is down, slow, out of key or broken.
   * Integrity failures (bad tag, refused pad range) and bad requests are not retried: they would
   * fail again, or they are an attack to raise, not to route around.
   */
  private static final Set<String> RETRYABLE =
      Set.of(UNREACHABLE, TIMEOUT, POOL_EXHAUSTED, STORE_FAILED, NO_ROUTE, INTERNAL, DRAINED);

  /** Every reason a station sends; anything else from the wire is read as {@link #INTERNAL}. */
  public static final Set<String> REASONS = Set.of(POOL_EXHAUSTED, NO_ROUTE, UNREACHABLE, TIMEOUT, BAD_TAG,
      BAD_REQUEST, PAD_RANGE_REJECTED, DUPLICATE_RELAY_ID, UNKNOWN_SAE, STORE_FAILED, SHARE_REFUSED, INTERNAL,
      NOT_ALLOWED, SLAVE_BACKLOG, DRAINED);
  /** Longest detail text kept from a neighbour (logged and cached). */
  public static final int MAX_DETAIL_CHARS = 256;

  public static RelayOutcome delivered(String relayId) {
    return new RelayOutcome(relayId, true, false, "", "", "", "");
  }

  public static RelayOutcome shareHeld(String relayId) {
    return new RelayOutcome(relayId, false, true, "", "", "", "");
  }

  public static RelayOutcome failed(String relayId, String reason, String detail, String failedAt) {
    return new RelayOutcome(relayId, false, false, reason, detail, failedAt, "");
  }

  /** A transport failure of {@code failedAt}'s hop toward {@code suspect}. */
  public static RelayOutcome unreachable(String relayId, String reason, String detail, String failedAt,
      String suspect) {
    return new RelayOutcome(relayId, false, false, reason, detail, failedAt, suspect);
  }

  /** The destination took this hop's pad into use: the keys or, for multipath, the share. */
  public boolean accepted() {
    return delivered || shareHeld;
  }

  public boolean retryable() {
    return !accepted() && RETRYABLE.contains(reason);
  }
}
