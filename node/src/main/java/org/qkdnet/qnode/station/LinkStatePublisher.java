package org.qkdnet.qnode.station;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.qkdnet.qnode.cluster.LinkStateReplicator;
import org.qkdnet.qnode.cluster.LiveStations;
import org.qkdnet.qnode.link.FrameTransport;
import org.qkdnet.qnode.link.LinkLiveness;

/**
 * Watches this station's links and publishes their state cluster-wide: pings every neighbour's
 * LinkService, and whenever a link's coarse figures or status change (or at least every few
 * seconds) hands a fresh report to the replicator. Figures only, never key material.
 */
final class LinkStatePublisher extends AbstractBehavior<LinkStatePublisher.Command> {
  sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Pinged(String peer, boolean ok) implements Command {}

  static final Duration INTERVAL = Duration.ofMillis(500);
  private static final int PING_EVERY_TICKS = 2;

  private final List<String> peers;
  private final FrameTransport pings;
  private final LinkLiveness liveness;
  private final LinkReports reports;
  private final LiveStations live;
  private final ActorRef<LinkStateReplicator.Command> replicator;
  private final java.util.Set<String> pinging = new java.util.HashSet<>();
  private long ticks;
  private LinkReports.Levels lastPublished;

  static Behavior<Command> create(List<String> peers, FrameTransport pings, LinkLiveness liveness, LinkReports reports,
      LiveStations live, ActorRef<LinkStateReplicator.Command> replicator) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, INTERVAL);
      return new LinkStatePublisher(ctx, peers, pings, liveness, reports, live, replicator);
    }));
  }

  private LinkStatePublisher(ActorContext<Command> ctx, List<String> peers, FrameTransport pings,
      LinkLiveness liveness, LinkReports reports, LiveStations live,
      ActorRef<LinkStateReplicator.Command> replicator) {
    super(ctx);
    this.peers = List.copyOf(peers);
    this.pings = pings;
    this.liveness = liveness;
    this.reports = reports;
    this.live = live;
    this.replicator = replicator;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Pinged.class, this::onPinged)
        .build();
  }

  private Behavior<Command> onTick() {
    if (ticks++ % PING_EVERY_TICKS == 0) {
      for (String peer : peers) {
        if (pinging.add(peer)) {
          getContext().pipeToSelf(pings.ping(peer), (station, failure) -> new Pinged(peer,
              failure == null && peer.equals(station)));
        }
      }
    }
    publishIfChanged();
    return this;
  }

  private Behavior<Command> onPinged(Pinged p) {
    pinging.remove(p.peer());
    boolean was = liveness.isAnswering(p.peer());
    if (p.ok()) {
      liveness.answered(p.peer());
    } else {
      liveness.failed(p.peer());
    }
    if (was != p.ok()) {
      getContext().getLog().info("link to {}: LinkService {}", p.peer(), p.ok() ? "answers" : "does not answer");
      publishIfChanged();
    }
    return this;
  }

  private void publishIfChanged() {
    OptionalLong incarnation = live.selfIncarnation();
    if (incarnation.isEmpty()) {
      return; // not a cluster member yet: nobody routes through us anyway
    }
    LinkReports.Levels now = reports.levels();
    if (now.equals(lastPublished)) {
      return;
    }
    lastPublished = now;
    replicator.tell(new LinkStateReplicator.Publish(reports.report(now, incarnation.getAsLong())));
  }
}
