package org.qkdnet.qnode.link.bb84;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
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
 * another's. At Bob's end it drives every frame in flight; at Alice's end it answers.
 *
 * <p><b>Batched round trips.</b> Bob sends the next round of every frame whose questions are
 * ready in one {@link CascadeBatch} and keeps at most {@link #BATCHES_IN_FLIGHT} batches
 * outstanding: while Alice answers one batch, Bob works through the answers of the other, and
 * frames that become ready meanwhile wait for the next batch. The frames in flight thus share
 * round trips instead of each paying for its own.
 */
public final class ReconciliationActor extends AbstractBehavior<ReconciliationActor.Command> {
  /** Named dispatcher of every reconciliation actor (cluster-config/qnode-pekko.conf). */
  public static final String DISPATCHER = "qkd.reconciliation-dispatcher";

  /** Batches Bob keeps outstanding per link: two let Alice's and Bob's work overlap. */
  static final int BATCHES_IN_FLIGHT = 2;

  public sealed interface Command {}

  /**
   * Alice: answer a batch of rounds; {@code reply} completes with one answer per round, in order
   * (a round of a frame Alice cannot answer carries the reason).
   */
  public record Answer(List<CascadeBatch.Round> rounds, CompletableFuture<List<CascadeBatch.Answer>> reply)
      implements Command {}

  /** Bob: reconcile {@code key} (ownership passes) with Alice's copy of raw frame {@code raw}. */
  public record Reconcile(long raw, BitString key, CascadeVariant variant, double qber, long permutationSeed,
      ActorRef<Reconciled> replyTo) implements Command {}

  /** Bob's reply: the corrected key (the receiver owns it) or the failure. */
  public record Reconciled(long raw, BitString corrected, long leakedBits, int roundTrips, int correctedBits,
      String failure) {}

  private record BatchAnswered(List<CascadeBatch.Round> rounds, List<CascadeBatch.Answer> answers,
      Throwable failure) implements Command {}

  private final Bb84LinkEnd end;
  private final PostProcessingTransport transport;
  private final Map<Long, Running> running = new HashMap<>();
  /** Bob: the next round of each frame not yet sent (encoded), in the order they became ready. */
  private final LinkedHashMap<Long, byte[]> outbox = new LinkedHashMap<>();
  private int batchesOut;

  private record Running(CascadeBob bob, ActorRef<Reconciled> replyTo) {}

  /** @param transport Bob's calls to Alice; unused (may be null) at Alice's end */
  public static Behavior<Command> create(Bb84LinkEnd end, PostProcessingTransport transport) {
    return create(end, transport, CascadeBatch.MAX_BYTES);
  }

  /** As {@link #create(Bb84LinkEnd, PostProcessingTransport)} with another bound on a batch's bytes (tests). */
  static Behavior<Command> create(Bb84LinkEnd end, PostProcessingTransport transport, int maxBatchBytes) {
    return Behaviors.setup(ctx -> {
      // its dispatcher is pinned: one thread of its own, which works for this station only
      org.qkdnet.qnode.logging.StationMdc.bindCurrentThread(end.self());
      return new ReconciliationActor(ctx, end, transport, maxBatchBytes);
    });
  }

  private final int maxBatchBytes;
  /** The Java priority this actor's pinned thread was last given. */
  private int priority = -1;

  /**
   * Relays first: the pinned thread runs at the background tier's priority while the station's
   * links have key and at the urgent tier's while one is short ({@link
   * org.qkdnet.qnode.link.PostProcessingUrgency}). A thread's OS priority can be raised again only
   * with privilege ({@link org.qkdnet.qnode.link.BackgroundPriority#canRaise}); without it the
   * thread stays at the background tier's ({@link
   * org.qkdnet.qnode.link.BackgroundPriority#background()}: then nice 4 or 3, one step from the
   * urgent tier's).
   */
  private void followUrgency() {
    int want = org.qkdnet.qnode.link.BackgroundPriority.canRaise()
        && org.qkdnet.qnode.link.PostProcessingUrgency.urgent(end.self())
        ? org.qkdnet.qnode.link.BackgroundPriority.URGENT : org.qkdnet.qnode.link.BackgroundPriority.background();
    if (want != priority) {
      Thread.currentThread().setPriority(want);
      priority = want;
    }
  }

  private ReconciliationActor(ActorContext<Command> ctx, Bb84LinkEnd end, PostProcessingTransport transport,
      int maxBatchBytes) {
    super(ctx);
    this.end = end;
    this.transport = transport;
    this.maxBatchBytes = maxBatchBytes;
    followUrgency();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Answer.class, this::onAnswer)
        .onMessage(Reconcile.class, this::onReconcile)
        .onMessage(BatchAnswered.class, this::onBatchAnswered)
        .onSignal(PostStop.class, sig -> onStop())
        .build();
  }

  /**
   * Alice's {@link ParityAnswerer} over her reconciliation actor {@code ref}: LinkService's
   * handler tells the actor and completes with its answers (exceptionally with a
   * {@link java.util.concurrent.TimeoutException} if the actor does not answer in time).
   *
   * <p>Not Pekko's ask: its CompletionStage (a Scala future adapted) runs every dependent stage
   * asynchronously, and on a 2-core machine the JDK's common pool has parallelism 1, so each
   * Cascade round started a new thread. A plain future completed by the actor runs the
   * handler's continuation on the actor's thread instead.
   */
  public static ParityAnswerer answerer(ActorRef<Command> ref, Duration timeout) {
    return rounds -> {
      CompletableFuture<List<CascadeBatch.Answer>> reply = new CompletableFuture<>();
      ref.tell(new Answer(rounds, reply));
      return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    };
  }

  private void ranHere() {
    end.stats().reconciliationRanOn(Thread.currentThread().getName());
  }

  private Behavior<Command> onAnswer(Answer a) {
    followUrgency();
    ranHere();
    List<CascadeBatch.Answer> answers;
    try {
      answers = end.alice().answer(a.rounds());
    } catch (RuntimeException e) {
      a.reply().completeExceptionally(e);
      return this;
    }
    a.reply().complete(answers);
    return this;
  }

  private Behavior<Command> onReconcile(Reconcile r) {
    followUrgency();
    ranHere();
    CascadeBob bob;
    try {
      if (running.containsKey(r.raw())) {
        throw new IllegalArgumentException("raw frame " + r.raw() + " is already being reconciled");
      }
      bob = new CascadeBob(r.raw(), r.key(), r.variant(), r.qber(), r.permutationSeed());
    } catch (RuntimeException e) {
      r.replyTo().tell(new Reconciled(r.raw(), null, 0, 0, 0, "cascade refused the frame: " + e.getMessage()));
      return this;
    } finally {
      r.key().zeroize(); // CascadeBob copied it
    }
    running.put(r.raw(), new Running(bob, r.replyTo()));
    outbox.put(r.raw(), CascadeCodec.encode(bob.start()));
    flush();
    return this;
  }

  /** Sends the ready rounds as one batch if fewer than {@link #BATCHES_IN_FLIGHT} are outstanding. */
  private void flush() {
    while (batchesOut < BATCHES_IN_FLIGHT && !outbox.isEmpty()) {
      List<CascadeBatch.Round> rounds = new ArrayList<>(Math.min(outbox.size(), CascadeBatch.MAX_ROUNDS));
      long bytes = 0;
      var it = outbox.entrySet().iterator();
      while (it.hasNext() && rounds.size() < CascadeBatch.MAX_ROUNDS) {
        var e = it.next();
        if (!rounds.isEmpty() && bytes + e.getValue().length > maxBatchBytes) {
          break; // this round opens the next batch
        }
        rounds.add(new CascadeBatch.Round(e.getKey(), e.getValue()));
        bytes += e.getValue().length;
        it.remove();
      }
      batchesOut++;
      CompletionStage<List<CascadeBatch.Answer>> answers = transport.reconcile(end.peer(), rounds);
      getContext().pipeToSelf(answers, (a, failure) -> new BatchAnswered(rounds, a, failure));
    }
  }

  private Behavior<Command> onBatchAnswered(BatchAnswered b) {
    followUrgency();
    ranHere();
    batchesOut--;
    String batchFailure = null;
    if (b.failure() != null) {
      batchFailure = "cascade round failed: " + b.failure().getClass().getSimpleName();
    } else {
      try {
        CascadeBatch.checkAnswers(b.rounds(), b.answers());
      } catch (IllegalArgumentException e) {
        batchFailure = "bad cascade answer: " + e.getMessage();
      }
    }
    for (int i = 0; i < b.rounds().size(); i++) {
      long raw = b.rounds().get(i).raw();
      Running r = running.get(raw);
      if (r == null) {
        continue;
      }
      if (batchFailure != null) {
        finish(raw, r, batchFailure);
        continue;
      }
      CascadeBatch.Answer answer = b.answers().get(i);
      if (!answer.ok()) {
        finish(raw, r, "Alice refused a cascade round: " + answer.error());
        continue;
      }
      Optional<ParityQuestions> next;
      try {
        next = r.bob().onAnswers(CascadeCodec.decodeAnswers(answer.answers()));
      } catch (RuntimeException e) {
        finish(raw, r, "bad cascade answer: " + e.getMessage());
        continue;
      }
      if (next.isPresent()) {
        outbox.put(raw, CascadeCodec.encode(next.get()));
      } else {
        finish(raw, r, "");
      }
    }
    flush();
    return this;
  }

  private void finish(long raw, Running r, String failure) {
    running.remove(raw);
    outbox.remove(raw);
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
    outbox.clear();
    return this;
  }
}
