package org.qkdnet.qnode.cluster;

import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Tracks cluster membership and reachability and publishes the set of live stations (joining,
 * weakly up or up, and reachable). A station's
 * id is carried in its member role {@code station-<ID>}; the Split Brain Resolver (configured in
 * reference.conf) decides about members that stay unreachable.
 */
public final class ClusterMembership extends AbstractBehavior<ClusterMembership.Command> {
  public static final String STATION_ROLE_PREFIX = "station-";

  public sealed interface Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {}

  private enum Refresh implements Command { INSTANCE }

  /**
   * The cluster's read view can lag the event that announced a change, so the view is also
   * re-read on a timer; events make the common case fast.
   */
  private static final java.time.Duration REFRESH = java.time.Duration.ofSeconds(1);

  private final LiveStations live;
  private final Cluster cluster;
  private Set<String> last = Set.of();

  public static Behavior<Command> create(LiveStations live) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Refresh.INSTANCE, REFRESH);
      return new ClusterMembership(ctx, live);
    }));
  }

  private ClusterMembership(ActorContext<Command> ctx, LiveStations live) {
    super(ctx);
    this.live = live;
    this.cluster = Cluster.get(ctx.getSystem());
    cluster.subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new), ClusterEvent.MemberEvent.class));
    cluster.subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
        ClusterEvent.ReachabilityEvent.class));
    recompute();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(MemberChanged.class, m -> recompute())
        .onMessage(ReachabilityChanged.class, m -> recompute())
        .onMessageEquals(Refresh.INSTANCE, this::recompute)
        .build();
  }

  private Behavior<Command> recompute() {
    ClusterEvent.CurrentClusterState state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    Set<String> stations = new HashSet<>();
    for (Member m : state.getMembers()) {
      // A joining member is alive and reachable: routes may use it before gossip converges
      // (moving 25 joining stations to Up takes many gossip rounds on a busy machine).
      boolean up = m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()
          || m.status() == MemberStatus.joining();
      if (up && !unreachable.contains(m)) {
        stationOf(m).ifPresent(stations::add);
      }
    }
    if (!stations.equals(last)) {
      getContext().getLog().info("live stations: {} of the cluster", stations.size());
      last = Set.copyOf(stations);
      live.set(stations);
    }
    return this;
  }

  static java.util.Optional<String> stationOf(Member m) {
    for (String role : m.getRoles()) {
      if (role.startsWith(STATION_ROLE_PREFIX)) {
        return java.util.Optional.of(role.substring(STATION_ROLE_PREFIX.length()));
      }
    }
    return java.util.Optional.empty();
  }
}
