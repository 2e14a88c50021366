package org.qkdnet.qnode.link;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One fiber link at this station: wraps the QKD device end and feeds the link's key pool.
 * At Alice's end it paces frames and announces them to Bob; at Bob's end it has nothing to drive
 * (announces arrive through {@code LinkService} and go straight to {@link LinkKeySupply}).
 * Pool appends are synced RocksDB writes, so the actor runs on a blocking-IO dispatcher.
 */
public final class LinkActor extends AbstractBehavior<LinkActor.Command> {

  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private enum PingTick implements Command { INSTANCE }

  private record Pinged(Throwable failure) implements Command {}

  private static final Duration PING_INTERVAL = Duration.ofSeconds(5);

  private record Announced(long frameId, int bytes, FrameAnnounceResult result, Throwable failure)
      implements Command {}

  private final LinkKeySupply supply;
  private final FrameTransport transport;
  private boolean inFlight;
  private boolean peerWasDown;
  private boolean peerEverSeen;

  public static Behavior<Command> create(LinkKeySupply supply, FrameTransport transport, Duration tick) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new LinkActor(ctx, timers, supply, transport, tick)));
  }

  private LinkActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, LinkKeySupply supply,
      FrameTransport transport, Duration tick) {
    super(ctx);
    this.supply = supply;
    this.transport = transport;
    if (supply.isAlice()) {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, tick);
    } else {
      // Bob drives nothing, but keeps his channel toward Alice warm and watches her liveness.
      timers.startTimerWithFixedDelay(PingTick.INSTANCE, Duration.ZERO, PING_INTERVAL);
    }
    ctx.getLog().info("link {} up: {} end, {}", supply.device().link(), supply.isAlice() ? "Alice" : "Bob",
        supply.device());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Announced.class, this::onAnnounced)
        .onMessageEquals(PingTick.INSTANCE, this::onPingTick)
        .onMessage(Pinged.class, p -> onPeerAnswer(p.failure()))
        .build();
  }

  private Behavior<Command> onPingTick() {
    getContext().pipeToSelf(transport.ping(supply.peer()), (station, failure) -> new Pinged(failure));
    return this;
  }

  private Behavior<Command> onTick() {
    if (inFlight) {
      return this;
    }
    if (!supply.frameDue(System.nanoTime())) {
      return this;
    }
    int bytes = supply.frameBytes();
    long frameId = supply.nextFrameId();
    inFlight = true;
    getContext().pipeToSelf(transport.announce(supply.peer(), frameId, bytes),
        (result, failure) -> new Announced(frameId, bytes, result, failure));
    return this;
  }

  private Behavior<Command> onAnnounced(Announced a) {
    inFlight = false;
    onPeerAnswer(a.failure());
    if (a.failure() != null) {
      return this;
    }
    switch (a.result().outcome()) {
      case APPENDED -> supply.onPeerAppended(a.frameId(), a.bytes());
      case POOL_FULL -> { }
      case REJECTED -> getContext().getLog().warn("link {}: frame {} rejected by {}: {}",
          supply.device().link(), a.frameId(), supply.peer(), a.result().detail());
    }
    return this;
  }

  /** Tracks the peer's reachability from announce and ping answers; logs only transitions. */
  private Behavior<Command> onPeerAnswer(Throwable failure) {
    if (failure != null) {
      if (!peerWasDown) {
        String what = failure.getClass().getSimpleName();
        if (peerEverSeen) {
          getContext().getLog().warn("link {}: peer {} no longer reachable for key frames ({})",
              supply.device().link(), supply.peer(), what);
        } else {
          getContext().getLog().info("link {}: waiting for peer {} ({})", supply.device().link(),
              supply.peer(), what);
        }
        peerWasDown = true;
      }
      return this;
    }
    peerEverSeen = true;
    if (peerWasDown) {
      getContext().getLog().info("link {}: peer {} reachable", supply.device().link(), supply.peer());
      peerWasDown = false;
    }
    return this;
  }
}
