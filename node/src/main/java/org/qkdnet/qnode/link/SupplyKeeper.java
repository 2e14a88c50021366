package org.qkdnet.qnode.link;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Keeps every link's sending direction topped up with assigned key ahead of need, and lets an
 * assigner re-deliver entries its peer has not confirmed (after a restart of either end). The
 * exchanges write synced records, so it runs on the blocking link dispatcher.
 */
public final class SupplyKeeper extends AbstractBehavior<SupplyKeeper.Command> {
  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private final List<DirectionSupply> supplies;

  public static Behavior<Command> create(Collection<DirectionSupply> supplies, Duration interval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      return new SupplyKeeper(ctx, supplies);
    }));
  }

  private SupplyKeeper(ActorContext<Command> ctx, Collection<DirectionSupply> supplies) {
    super(ctx);
    this.supplies = List.copyOf(supplies);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessageEquals(Tick.INSTANCE, this::onTick).build();
  }

  private Behavior<Command> onTick() {
    supplies.forEach(DirectionSupply::maintain);
    return this;
  }
}
