package org.qkdnet.qnode.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.qkdnet.qnode.routing.StationReport;

/**
 * Publishes this station's {@link StationReport} cluster-wide and keeps a {@link ClusterLinkStates}
 * view of every station's, through Pekko Distributed Data: per station of the topology one
 * {@code LWWMap<String, StationReport>} under {@link #keyOf}, holding that station's report as its
 * only entry. Each station writes only its own (its id comes from its member role
 * {@code station-<ID>}), locally; delta propagation and gossip spread it. Reports are figures
 * only, never key material; they cross the wire with Pekko's Jackson CBOR serializer (binding in
 * qnode-pekko.conf), Java serialization stays off.
 *
 * <h2>Why one key per station</h2>
 * A replicator that has subscribers to a key computes that key's digest (serializes its whole
 * value and hashes it) on every change it merges, to tell whether to notify them. With all
 * reports in one map (until December 2026), each of the 24 reports per second arriving at each of
 * the Hubei demo's 25 stations re-serialized all 25 reports: Distributed Data took about 40 % of
 * the demo's CPU (JFR). With a key per station a change costs the serialization of the one
 * report that changed. The value is a one-entry map rather than a plain register because a map is
 * a delta CRDT: its changes reach every replicator within the delta interval (200 ms), where a
 * register's would wait for gossip (one random peer every 2 s: ~10 s across 25 stations).
 * Stations on a version before this change publish under another key: in a rolling upgrade they
 * and the upgraded ones do not see each other's link state until all run it.
 *
 * <h2>Why a custom clock, and why republish</h2>
 * An LWW register keeps the value with the higher timestamp, and Pekko's default timestamps are
 * wall-clock milliseconds. A restarted station starts with an empty replica: its first put is
 * stamped with its wall clock alone, and if that clock is behind the one of its previous
 * incarnation (skew, NTP step, another host), the old incarnation's report wins every merge and the
 * new one is lost. Two measures make the newest report of the station win anyway:
 * <ul>
 *   <li>every put is stamped {@code max(current + 1, wall clock)}, where {@code current} is the
 *       timestamp the local replica holds for our key: once the old entry is known locally, our
 *       next put is strictly newer, whatever the clocks say;
 *   <li>the old entry becomes known locally through gossip, which may overwrite our fresher-but-
 *       earlier-stamped entry. The subscription notices that the replicated entry for our station
 *       is no longer our latest report and writes it again (after a short delay, so one stale
 *       notification does not cause a write), and, as a backstop for anything else that loses a
 *       write (a merge we were not notified of, a failed update), the latest report is republished
 *       every {@code republishEvery}.
 * </ul>
 * Readers must still match a report's incarnation against the member's (see
 * {@link LiveStations#incarnations()}): the map keeps a station's last report after it left.
 */
public final class LinkStateReplicator extends AbstractBehavior<LinkStateReplicator.Command> {
  /** The replicated one-entry map of one station's report. */
  public static Key<LWWMap<String, StationReport>> keyOf(String station) {
    return LWWMapKey.create(KEY_PREFIX + station);
  }

  static final String KEY_PREFIX = "qnode-link-state-";

  /** Longest wait before rewriting our entry after the replicated map showed another one. */
  private static final Duration HEAL_AFTER = Duration.ofSeconds(1);

  public sealed interface Command {}

  /** Replace this station's report cluster-wide; the report must be this station's own. */
  public record Publish(StationReport report) implements Command {
    public Publish {
      Objects.requireNonNull(report, "report");
    }
  }

  private enum Republish implements Command { INSTANCE }

  private enum Heal implements Command { INSTANCE }

  private record Updated(Replicator.UpdateResponse<LWWMap<String, StationReport>> response) implements Command {}

  private record ReportChanged(Replicator.SubscribeResponse<LWWMap<String, StationReport>> response)
      implements Command {}

  private final ClusterLinkStates view;
  private final TimerScheduler<Command> timers;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, StationReport>> replicator;
  private final SelfUniqueAddress selfAddress;
  private final long selfUid;
  private final Optional<String> self;
  private final Duration healAfter;
  private final LWWRegister.Clock<StationReport> clock;
  private final Map<String, StationReport> replicated = new HashMap<>();
  private StationReport latest;
  private boolean warnedIncarnation;

  /**
   * @param view where the replicated reports (and this station's latest) are shown
   * @param republishEvery how often the latest report is written again though unchanged (e.g. 5 s)
   * @param stations every station of the topology (whose reports are followed)
   */
  public static Behavior<Command> create(ClusterLinkStates view, Duration republishEvery, Collection<String> stations) {
    return create(view, republishEvery, stations, System::currentTimeMillis);
  }

  /** With another wall clock (tests: a station whose clock is behind). */
  static Behavior<Command> create(ClusterLinkStates view, Duration republishEvery, Collection<String> stations,
      LongSupplier wallClock) {
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(wallClock, "wallClock");
    List<String> ids = List.copyOf(stations);
    if (republishEvery.isNegative() || republishEvery.isZero()) {
      throw new IllegalArgumentException("republishEvery must be positive: " + republishEvery);
    }
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        DistributedData.<Command, LWWMap<String, StationReport>>withReplicatorMessageAdapter(adapter ->
            new LinkStateReplicator(ctx, timers, adapter, view, republishEvery, ids, wallClock))));
  }

  /**
   * The LWW timestamp of a put: strictly above the one the local replica holds for the key, and no
   * less than the wall clock (so that after a restart, when the replica is still empty, a station
   * whose clock is right wins at once).
   */
  static long nextTimestamp(long current, long wallClockMillis) {
    return Math.max(current + 1, wallClockMillis);
  }

  private LinkStateReplicator(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      ReplicatorMessageAdapter<Command, LWWMap<String, StationReport>> replicator, ClusterLinkStates view,
      Duration republishEvery, List<String> stations, LongSupplier wallClock) {
    super(ctx);
    // Otherwise the logger is named after whatever class first logs (here: Pekko's ActorCell).
    ctx.setLoggerName(LinkStateReplicator.class);
    this.view = view;
    this.timers = timers;
    this.replicator = replicator;
    this.selfAddress = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    Cluster cluster = Cluster.get(ctx.getSystem());
    this.selfUid = cluster.selfMember().uniqueAddress().longUid();
    this.self = ClusterMembership.stationOf(cluster.selfMember());
    this.healAfter = republishEvery.compareTo(HEAL_AFTER) < 0 ? republishEvery : HEAL_AFTER;
    this.clock = (current, report) -> nextTimestamp(current, wallClock.getAsLong());
    if (self.isEmpty()) {
      ctx.getLog().error("this member has no role {}<ID>: it cannot publish link state",
          ClusterMembership.STATION_ROLE_PREFIX);
    }
    // a station outside the topology does not start, so this covers its own report too
    for (String station : stations) {
      replicator.subscribe(keyOf(station), ReportChanged::new);
    }
    timers.startTimerWithFixedDelay(Republish.INSTANCE, republishEvery);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Publish.class, this::onPublish)
        .onMessageEquals(Republish.INSTANCE, this::onRepublish)
        .onMessageEquals(Heal.INSTANCE, this::onHeal)
        .onMessage(ReportChanged.class, this::onReportChanged)
        .onMessage(Updated.class, this::onUpdated)
        .build();
  }

  private Behavior<Command> onPublish(Publish p) {
    StationReport report = p.report();
    if (self.isEmpty() || !self.get().equals(report.station())) {
      getContext().getLog().warn("report of station {} not published: this member is station {}",
          report.station(), self.orElse("(none)"));
      return this;
    }
    if (report.incarnation() != selfUid && !warnedIncarnation) {
      warnedIncarnation = true;
      getContext().getLog().warn("report carries incarnation {} but this member's uid is {}: readers will ignore it",
          report.incarnation(), selfUid);
    }
    latest = report;
    view.own(report);
    write(report);
    return this;
  }

  private Behavior<Command> onRepublish() {
    if (latest != null) {
      write(latest);
    }
    return this;
  }

  private Behavior<Command> onHeal() {
    if (latest != null && !latest.equals(replicated.get(latest.station()))) {
      StationReport there = replicated.get(latest.station());
      getContext().getLog().info("replicated report of this station is not the latest (incarnation {}, version {}):"
          + " writing version {} again", there == null ? "-" : there.incarnation(),
          there == null ? "-" : there.version(), latest.version());
      write(latest);
    }
    return this;
  }

  private Behavior<Command> onReportChanged(ReportChanged m) {
    if (m.response() instanceof Replicator.Changed<LWWMap<String, StationReport>> changed) {
      String station = changed.key().id().substring(KEY_PREFIX.length());
      StationReport report = changed.dataValue().getEntries().get(station);
      if (report == null || !station.equals(report.station())) {
        getContext().getLog().warn("link state under the key of station {} holds no report of it: ignored", station);
        return this;
      }
      replicated.put(station, report);
      view.replicated(Map.copyOf(replicated));
      if (latest != null && !latest.equals(replicated.get(latest.station())) && !timers.isTimerActive(Heal.INSTANCE)) {
        // Often only a notification that predates our latest put; onHeal looks again later.
        timers.startSingleTimer(Heal.INSTANCE, Heal.INSTANCE, healAfter);
      }
    } else {
      getContext().getLog().warn("link state: {}", m.response());
    }
    return this;
  }

  private Behavior<Command> onUpdated(Updated u) {
    if (u.response() instanceof Replicator.UpdateTimeout) {
      // A local write times out only when the replicator is busy (start-up, shutdown, an
      // overloaded machine); republishing retries it, so this is not worth a warning.
      getContext().getLog().debug("link state update timed out; the next republish retries it");
    } else if (!(u.response() instanceof Replicator.UpdateSuccess)) {
      getContext().getLog().warn("link state update failed: {}", u.response());
    }
    return this;
  }

  private void write(StationReport report) {
    String station = report.station();
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(keyOf(station), LWWMap.create(), Replicator.writeLocal(), replyTo,
            map -> map.put(selfAddress, station, report, clock)),
        Updated::new);
  }
}
