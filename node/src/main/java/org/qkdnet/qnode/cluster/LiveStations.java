package org.qkdnet.qnode.cluster;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This station's current view of the cluster's stations. Written by {@link ClusterMembership},
 * read by routing on every relay: one immutable {@link View}, swapped whole, so a reader that
 * takes {@link #view()} once never sees the live set, the routable set and the incarnations of
 * different moments. (The single-purpose getters each read the current view; call {@link #view()}
 * once when more than one of them must agree.)
 */
public final class LiveStations {
  /**
   * One moment's membership.
   *
   * @param live stations whose member is joining, weakly up or up, and reachable
   * @param routable stations whose member is up (not joining, not weakly up, not leaving, exiting
   *     or down) and reachable: a subset of {@code live}
   * @param incarnations the member uid ({@code uniqueAddress().longUid()}) of every station that
   *     has a member in the cluster, whatever its status; a restarted station gets a new one
   */
  public record View(Set<String> live, Set<String> routable, Map<String, Long> incarnations) {
    public static final View EMPTY = new View(Set.of(), Set.of(), Map.of());

    public View {
      live = Set.copyOf(live);
      routable = Set.copyOf(routable);
      incarnations = Map.copyOf(incarnations);
    }
  }

  private final AtomicReference<View> view = new AtomicReference<>(View.EMPTY);
  private volatile OptionalLong self = OptionalLong.empty();

  /** The whole current view, consistent in itself. */
  public View view() {
    return view.get();
  }

  /** Stations joining, weakly up or up, and reachable. */
  public Set<String> snapshot() {
    return view.get().live();
  }

  public boolean isLive(String stationId) {
    return view.get().live().contains(stationId);
  }

  /** Stations whose member is Up and reachable: the ones routes may pass through. */
  public Set<String> routable() {
    return view.get().routable();
  }

  public boolean isRoutable(String stationId) {
    return view.get().routable().contains(stationId);
  }

  /** Member uid per station id, for every station with a member in the cluster. */
  public Map<String, Long> incarnations() {
    return view.get().incarnations();
  }

  public OptionalLong incarnation(String stationId) {
    Long uid = view.get().incarnations().get(stationId);
    return uid == null ? OptionalLong.empty() : OptionalLong.of(uid);
  }

  /**
   * This station's own member uid, the incarnation its reports carry. Set by
   * {@link ClusterMembership} when it starts (the uid is fixed when the ActorSystem starts, before
   * the member has joined); empty until then.
   */
  public OptionalLong selfIncarnation() {
    return self;
  }

  void set(View next) {
    view.set(Objects.requireNonNull(next, "view"));
  }

  void selfIncarnation(long uid) {
    self = OptionalLong.of(uid);
  }
}
