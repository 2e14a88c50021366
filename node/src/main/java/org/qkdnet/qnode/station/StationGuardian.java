package org.qkdnet.qnode.station;

import java.time.Duration;
import java.util.Collection;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.qkdnet.qnode.cluster.ClusterMembership;
import org.qkdnet.qnode.cluster.LiveStations;
import org.qkdnet.qnode.link.FrameTransport;
import org.qkdnet.qnode.link.LinkActor;
import org.qkdnet.qnode.link.LinkKeySupply;

/** Root of a station's actor tree: cluster membership and one actor per fiber link. */
final class StationGuardian {
  /** Pool appends are synced disk writes: keep them off the default dispatcher. */
  static final String LINK_DISPATCHER = "qnode.link-dispatcher";

  private StationGuardian() {}

  static Behavior<Void> create(LiveStations live, Collection<LinkKeySupply> links, FrameTransport frames,
      Duration tick) {
    return Behaviors.setup(ctx -> {
      ctx.spawn(ClusterMembership.create(live), "cluster-membership");
      for (LinkKeySupply link : links) {
        ctx.spawn(LinkActor.create(link, frames, tick), "link-" + link.peer(),
            DispatcherSelector.fromConfig(LINK_DISPATCHER));
      }
      return Behaviors.empty();
    });
  }
}
