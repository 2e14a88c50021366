package org.qkdnet.qnode.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.qkdnet.qnode.routing.StationReport;

/**
 * This station's read view of the link state every station publishes (figures only, never key
 * material), kept by {@link LinkStateReplicator}. Like {@link LiveStations}: an immutable map,
 * swapped whole, safe to read from any thread.
 *
 * <p>The map holds the latest report of every station that ever published one, including stations
 * that left or restarted: a reader matches a report's incarnation against
 * {@link LiveStations#incarnations()} before trusting it.
 */
public final class ClusterLinkStates {
  /**
   * @param replicated the replicated map as the local replicator last announced it
   * @param own this station's latest published report, shown before the replicator's round trip
   * @param merged {@code replicated} with {@code own} in place of whatever it holds for this station
   */
  private record State(Map<String, StationReport> replicated, Optional<StationReport> own,
      Map<String, StationReport> merged) {
    static final State EMPTY = new State(Map.of(), Optional.empty(), Map.of());

    State with(Map<String, StationReport> replicated, Optional<StationReport> own) {
      Map<String, StationReport> all = new HashMap<>(replicated);
      own.ifPresent(r -> all.put(r.station(), r));
      return new State(Map.copyOf(replicated), own, Map.copyOf(all));
    }
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.EMPTY);

  /** The latest report of every station, keyed by station id; this station's own as last published. */
  public Map<String, StationReport> snapshot() {
    return state.get().merged();
  }

  /** The latest report of one station, if it ever published one. */
  public Optional<StationReport> report(String station) {
    return Optional.ofNullable(state.get().merged().get(station));
  }

  /** This station's latest published report, visible as soon as it was published. */
  public Optional<StationReport> own() {
    return state.get().own();
  }

  /** The replicated map as the local replicator announced it (this station's entry may lag). */
  Map<String, StationReport> replicated() {
    return state.get().replicated();
  }

  void replicated(Map<String, StationReport> reports) {
    Objects.requireNonNull(reports, "reports");
    state.updateAndGet(s -> s.with(reports, s.own()));
  }

  void own(StationReport report) {
    Objects.requireNonNull(report, "report");
    state.updateAndGet(s -> s.with(s.replicated(), Optional.of(report)));
  }
}
