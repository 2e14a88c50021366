package org.qkdnet.qnode.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
 * Tracks cluster membership and reachability and publishes, as one {@link LiveStations.View}: the
 * live stations (joining, weakly up or up, and reachable), the routable ones (up and reachable) and
 * each station's incarnation (member uid). A station's id is carried in its member role
 * {@code station-<ID>}; the Split Brain Resolver (configured in qnode-pekko.conf) decides about
 * members that stay unreachable.
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
  private static final Duration REFRESH = Duration.ofSeconds(1);

  private final LiveStations live;
  private final Cluster cluster;
  private LiveStations.View last = LiveStations.View.EMPTY;

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
    live.selfIncarnation(cluster.selfMember().uniqueAddress().longUid());
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
    LiveStations.View next = viewOf(state.getMembers(), state.getUnreachable());
    if (!next.equals(last)) {
      logTransition(last, next);
      last = next;
      live.set(next);
    }
    return this;
  }

  static LiveStations.View viewOf(Iterable<Member> members, Set<Member> unreachable) {
    Set<String> live = new HashSet<>();
    Set<String> routable = new HashSet<>();
    // When a station restarted, its old member can linger (unreachable, leaving or down) beside
    // the new one: the incarnation is that of the better placed member (see rank).
    Map<String, Member> current = new HashMap<>();
    for (Member m : members) {
      Optional<String> id = stationOf(m);
      if (id.isEmpty()) {
        continue;
      }
      int rank = rank(m, unreachable);
      // A joining member is alive and reachable: links and post-processing may use it before
      // gossip converges (moving 25 joining stations to Up takes many gossip rounds on a busy
      // machine). Routes pass only through members that are fully Up.
      if (rank >= ALIVE_REACHABLE) {
        live.add(id.get());
      }
      if (rank == UP_REACHABLE) {
        routable.add(id.get());
      }
      current.merge(id.get(), m, (a, b) -> preferred(a, b, unreachable));
    }
    Map<String, Long> incarnations = new HashMap<>();
    current.forEach((id, m) -> incarnations.put(id, m.uniqueAddress().longUid()));
    return new LiveStations.View(live, routable, incarnations);
  }

  private static final int UP_REACHABLE = 3;
  private static final int ALIVE_REACHABLE = 2;
  private static final int ALIVE = 1;
  private static final int GOING = 0;

  /** Alive: joining, weakly up or up. Going: leaving, exiting, down (removed members are gone). */
  private static int rank(Member m, Set<Member> unreachable) {
    MemberStatus s = m.status();
    boolean reachable = !unreachable.contains(m);
    boolean alive = s == MemberStatus.up() || s == MemberStatus.weaklyUp() || s == MemberStatus.joining();
    if (!alive) {
      return GOING;
    }
    if (!reachable) {
      return ALIVE;
    }
    return s == MemberStatus.up() ? UP_REACHABLE : ALIVE_REACHABLE;
  }

  /** Of two members of one station, the better placed; the higher uid on a tie (arbitrary, but stable). */
  private static Member preferred(Member a, Member b, Set<Member> unreachable) {
    int ra = rank(a, unreachable);
    int rb = rank(b, unreachable);
    if (ra != rb) {
      return ra > rb ? a : b;
    }
    return a.uniqueAddress().longUid() >= b.uniqueAddress().longUid() ? a : b;
  }

  /** One line per change of the live or routable sets, one per restarted station: no periodic output. */
  private void logTransition(LiveStations.View before, LiveStations.View after) {
    if (!before.live().equals(after.live()) || !before.routable().equals(after.routable())) {
      getContext().getLog().info("cluster stations: {} routable, {} live{}{}",
          after.routable().size(), after.live().size(),
          diff(" +", after.routable(), before.routable()), diff(" -", before.routable(), after.routable()));
    }
    after.incarnations().forEach((id, uid) -> {
      Long old = before.incarnations().get(id);
      if (old != null && !old.equals(uid)) {
        getContext().getLog().info("station {} has a new incarnation (member uid {} -> {})", id, old, uid);
      }
    });
  }

  private static String diff(String sign, Set<String> a, Set<String> b) {
    Set<String> d = new TreeSet<>(a);
    d.removeAll(b);
    return d.isEmpty() ? "" : sign + d;
  }

  static Optional<String> stationOf(Member m) {
    for (String role : m.getRoles()) {
      if (role.startsWith(STATION_ROLE_PREFIX)) {
        return Optional.of(role.substring(STATION_ROLE_PREFIX.length()));
      }
    }
    return Optional.empty();
  }
}
