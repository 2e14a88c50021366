package org.qkdnet.qnode.link.bb84;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.CascadeBob;
import org.qkdnet.qnode.postprocessing.cascade.CascadeCodec;
import org.qkdnet.qnode.postprocessing.cascade.CascadeVariant;
import org.qkdnet.qnode.postprocessing.cascade.ParityQuestions;

/**
 * The Cascade work of one link end, on its own thread: spawn it with
 * {@link #DISPATCHER} ({@code type = PinnedDispatcher}), so parity hashing over large frames
 * never stalls the station's other actors, and one link's reconciliation never waits for
 * another's. At Bob's end it drives every frame in flight (one round trip per round, frames
 * interleaved so round trips overlap); at Alice's end it answers the rounds.
 */
public final class ReconciliationActor extends AbstractBehavior<ReconciliationActor.Command> {
  /** Named dispatcher of every reconciliation actor (cluster-config/qnode-pekko.conf). */
  public static final String DISPATCHER = "qkd.reconciliation-dispatcher";

  public sealed interface Command {}

  /** Alice: answer one round of raw frame {@code raw}. */
  public record Answer(long raw, byte[] questions, ActorRef<Answered> replyTo) implements Command {}

  /** Alice's reply: the encoded answers, or why not. */
  public record Answered(byte[] answers, String error) {}

  /** Bob: reconcile {@code key} (ownership passes) with Alice's copy of raw frame {@code raw}. */
  public record Reconcile(long raw, BitString key, CascadeVariant variant, double qber, long permutationSeed,
      ActorRef<Reconciled> replyTo) implements Command {}

  /** Bob's reply: the corrected key (the receiver owns it) or the failure. */
  public record Reconciled(long raw, BitString corrected, long leakedBits, int roundTrips, int correctedBits,
      String failure) {}

  private record RoundAnswered(long raw, byte[] answers, Throwable failure) implements Command {}

  private final Bb84LinkEnd end;
  private final PostProcessingTransport transport;
  private final Map<Long, Running> running = new HashMap<>();

  private record Running(CascadeBob bob, ActorRef<Reconciled> replyTo) {}

  /** @param transport Bob's calls to Alice; unused (may be null) at Alice's end */
  public static Behavior<Command> create(Bb84LinkEnd end, PostProcessingTransport transport) {
    return Behaviors.setup(ctx -> new ReconciliationActor(ctx, end, transport));
  }

  private ReconciliationActor(ActorContext<Command> ctx, Bb84LinkEnd end, PostProcessingTransport transport) {
    super(ctx);
    this.end = end;
    this.transport = transport;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Answer.class, this::onAnswer)
        .onMessage(Reconcile.class, this::onReconcile)
        .onMessage(RoundAnswered.class, this::onRoundAnswered)
        .onSignal(PostStop.class, sig -> onStop())
        .build();
  }

  /**
   * Alice's {@link ParityAnswerer} over her reconciliation actor {@code ref}: LinkService's
   * handler asks the actor and completes with the encoded answers (exceptionally with an
   * {@link IllegalArgumentException} naming the problem).
   */
  public static ParityAnswerer answerer(ActorRef<Command> ref, Scheduler scheduler, Duration timeout) {
    return (raw, questions) -> AskPattern.<Command, Answered>ask(ref,
        replyTo -> new Answer(raw, questions, replyTo), timeout, scheduler)
        .thenApply(a -> {
          if (!a.error().isEmpty()) {
            throw new IllegalArgumentException(a.error());
          }
          return a.answers();
        });
  }

  private void ranHere() {
    end.stats().reconciliationRanOn(Thread.currentThread().getName());
  }

  private Behavior<Command> onAnswer(Answer a) {
    ranHere();
    try {
      a.replyTo().tell(new Answered(end.alice().answer(a.raw(), a.questions()), ""));
    } catch (RuntimeException e) {
      a.replyTo().tell(new Answered(new byte[0], String.valueOf(e.getMessage())));
    }
    return this;
  }

  private Behavior<Command> onReconcile(Reconcile r) {
    ranHere();
    CascadeBob bob;
    try {
      bob = new CascadeBob(r.raw(), r.key(), r.variant(), r.qber(), r.permutationSeed());
    } catch (RuntimeException e) {
      r.replyTo().tell(new Reconciled(r.raw(), null, 0, 0, 0, "cascade refused the frame: " + e.getMessage()));
      return this;
    } finally {
      r.key().zeroize(); // CascadeBob copied it
    }
    running.put(r.raw(), new Running(bob, r.replyTo()));
    ask(r.raw(), bob.start());
    return this;
  }

  private void ask(long raw, ParityQuestions q) {
    CompletionStage<byte[]> answer = transport.reconcile(end.peer(), raw, CascadeCodec.encode(q));
    getContext().pipeToSelf(answer, (bytes, failure) -> new RoundAnswered(raw, bytes, failure));
  }

  private Behavior<Command> onRoundAnswered(RoundAnswered a) {
    ranHere();
    Running r = running.get(a.raw());
    if (r == null) {
      return this;
    }
    if (a.failure() != null) {
      finish(a.raw(), r, "cascade round failed: " + a.failure().getClass().getSimpleName());
      return this;
    }
    Optional<ParityQuestions> next;
    try {
      next = r.bob().onAnswers(CascadeCodec.decodeAnswers(a.answers()));
    } catch (RuntimeException e) {
      finish(a.raw(), r, "bad cascade answer: " + e.getMessage());
      return this;
    }
    if (next.isPresent()) {
      ask(a.raw(), next.get());
    } else {
      finish(a.raw(), r, "");
    }
    return this;
  }

  private void finish(long raw, Running r, String failure) {
    running.remove(raw);
    CascadeBob bob = r.bob();
    if (failure.isEmpty()) {
      r.replyTo().tell(new Reconciled(raw, bob.correctedKey(), bob.leakedBits(), bob.roundTrips(),
          bob.correctedBits(), ""));
    } else {
      r.replyTo().tell(new Reconciled(raw, null, bob.leakedBits(), bob.roundTrips(), 0, failure));
    }
    bob.zeroize();
  }

  private Behavior<Command> onStop() {
    running.values().forEach(r -> r.bob().zeroize());
    running.clear();
    return this;
  }
}
