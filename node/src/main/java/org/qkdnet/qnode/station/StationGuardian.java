package org.qkdnet.qnode.station;

import java.time.Duration;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.qkdnet.qnode.cluster.ClusterLinkStates;
import org.qkdnet.qnode.cluster.ClusterMembership;
import org.qkdnet.qnode.cluster.LinkStateReplicator;
import org.qkdnet.qnode.cluster.LiveStations;
import org.qkdnet.qnode.link.DirectionSupply;
import org.qkdnet.qnode.link.FrameTransport;
import org.qkdnet.qnode.link.LinkActor;
import org.qkdnet.qnode.link.LinkKeySupply;
import org.qkdnet.qnode.link.LinkLiveness;
import org.qkdnet.qnode.link.SupplyKeeper;
import org.qkdnet.qnode.link.bb84.Bb84LinkEnd;
import org.qkdnet.qnode.link.bb84.LinkPostProcessor;
import org.qkdnet.qnode.link.bb84.PostProcessingTransport;
import org.qkdnet.qnode.link.bb84.ReconciliationActor;

/** Root of a station's actor tree: cluster membership and one actor per fiber link. */
final class StationGuardian {
  /** Pool appends are synced disk writes: keep them off the default dispatcher. */
  static final String LINK_DISPATCHER = "qnode.link-dispatcher";
  /** Bob's post-processing: threads at the lowest priority, shared with nothing a relay waits on. */
  static final String POST_PROCESSING_DISPATCHER = "qnode.post-processing-dispatcher";

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
  /** How often every link's sending direction is topped up with assigned key (and entries re-sent). */
  private static final Duration SUPPLY_INTERVAL = Duration.ofMillis(200);
  /** Backstop republication of this station's link state (see LinkStateReplicator). */
  private static final Duration REPUBLISH = Duration.ofSeconds(5);

  private StationGuardian() {}

  static Behavior<Void> create(LiveStations live, Collection<LinkKeySupply> links, FrameTransport frames,
      Duration tick) {
    return create(live, links, frames, tick, List.of(), null, null, List.of());
  }

  /**
   * @param bb84 the links whose device is the raw-detection simulator: no LinkActor; Bob's end
   *     runs a {@link LinkPostProcessor} (with its reconciliation actor), Alice's end a
   *     {@link ReconciliationActor} that answers the parity questions LinkService receives
   */
  static Behavior<Void> create(LiveStations live, Collection<LinkKeySupply> links, FrameTransport frames,
      Duration tick, Collection<Bb84LinkEnd> bb84, PostProcessingTransport postProcessing, SecureRandom random,
      Collection<DirectionSupply> supplies) {
    return create(live, links, frames, tick, bb84, postProcessing, random, supplies, null);
  }

  /**
   * Link state, when given: the replicator of the cluster-wide link state and this station's
   * publisher; {@code stations}: every station of the topology, whose reports are followed.
   */
  record LinkState(ClusterLinkStates view, FrameTransport pings, LinkLiveness liveness, LinkReports reports,
      List<String> stations) {}

  static Behavior<Void> create(LiveStations live, Collection<LinkKeySupply> links, FrameTransport frames,
      Duration tick, Collection<Bb84LinkEnd> bb84, PostProcessingTransport postProcessing, SecureRandom random,
      Collection<DirectionSupply> supplies, LinkState linkState) {
    return Behaviors.setup(ctx -> {
      ctx.spawn(ClusterMembership.create(live), "cluster-membership");
      if (linkState != null) {
        ActorRef<LinkStateReplicator.Command> replicator =
            ctx.spawn(LinkStateReplicator.create(linkState.view(), REPUBLISH, linkState.stations()),
                "link-state-replicator");
        List<String> peers = links.stream().map(LinkKeySupply::peer).sorted().toList();
        ctx.spawn(LinkStatePublisher.create(peers, linkState.pings(), linkState.liveness(), linkState.reports(), live,
            replicator), "link-state-publisher", DispatcherSelector.fromConfig(LINK_DISPATCHER));
      }
      if (!supplies.isEmpty()) {
        ctx.spawn(SupplyKeeper.create(supplies, SUPPLY_INTERVAL), "supply-keeper",
            DispatcherSelector.fromConfig(LINK_DISPATCHER));
      }
      java.util.Set<String> raw = new java.util.HashSet<>();
      for (Bb84LinkEnd end : bb84) {
        raw.add(end.peer());
        if (end.isAlice()) {
          ActorRef<ReconciliationActor.Command> r = ctx.spawn(ReconciliationActor.create(end, null),
              "reconciliation-" + end.peer(), DispatcherSelector.fromConfig(ReconciliationActor.DISPATCHER));
          end.answerer(ReconciliationActor.answerer(r, ANSWER_TIMEOUT));
        } else {
          String peer = end.peer();
          // spawned here, at normal priority, not by the post-processor (see LinkPostProcessor.create)
          ActorRef<ReconciliationActor.Command> r = ctx.spawn(ReconciliationActor.create(end, postProcessing),
              "reconciliation-" + peer, DispatcherSelector.fromConfig(ReconciliationActor.DISPATCHER));
          ctx.spawn(LinkPostProcessor.create(end, postProcessing, random, null, () -> live.isLive(peer), r),
              "postprocessor-" + end.peer(),
              DispatcherSelector.fromConfig(POST_PROCESSING_DISPATCHER));
        }
      }
      for (LinkKeySupply link : links) {
        if (!raw.contains(link.peer())) {
          ctx.spawn(LinkActor.create(link, frames, tick), "link-" + link.peer(),
              DispatcherSelector.fromConfig(LINK_DISPATCHER));
        }
      }
      return Behaviors.empty();
    });
  }
}
