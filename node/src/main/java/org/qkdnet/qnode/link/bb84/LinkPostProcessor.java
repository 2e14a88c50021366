package org.qkdnet.qnode.link.bb84;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntPredicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.qkdnet.qnode.keystore.KeyMaterial;
import org.qkdnet.qnode.postprocessing.amplification.ToeplitzHash;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.estimation.Estimate;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;

/**
 * Bob's end of a bb84-sim link: paces raw frames at the simulated pulse rate (times the
 * speedup) and drives each one through sifting, estimation, Cascade (in the child
 * {@link ReconciliationActor} on its pinned dispatcher), verification, privacy amplification
 * and the commit into both pools; up to {@code frames-in-flight} frames at once. Pool appends
 * are synced writes: spawn this actor on the blocking-IO link dispatcher.
 *
 * <p><b>Commit order.</b> Frames finish out of order but are committed one at a time, in the
 * order they become ready, each under the next pool frame id: Bob sends Commit(n), Alice
 * appends frame n (idempotently) and acknowledges, then Bob appends. Alice is never behind Bob.
 * If the Commit call fails (Alice down, timeout), Bob keeps the key in memory and repeats the
 * same Commit(n) until Alice answers; an answer that Alice already expects n + 1 means she
 * appended it before (Bob has sent pool frame n with no other raw frame), so Bob appends too.
 *
 * <p><b>Crash between the two appends (limitation).</b> If Bob's process dies after Alice
 * appended frame n and before Bob did, the final key of frame n is lost with Bob's memory:
 * Alice holds frame n, Bob does not. On restart Bob learns Alice's next pool frame id with a Drop
 * call; if it is ahead of his own, the link's pools have diverged, Bob logs an error and commits
 * nothing more on that link (no pad is ever misused: relays over the link fail their MAC check
 * instead of using unequal pads). Recovery needs a durable write-ahead copy of the pending
 * commit at Bob, which the key store does not offer yet.
 */
public final class LinkPostProcessor extends AbstractBehavior<LinkPostProcessor.Command> {
  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Sifted(long raw, SiftingReply reply, Throwable failure) implements Command {}

  private record Estimated(long raw, EstimateReplyData data, Throwable failure) implements Command {}

  private record Reconciled(ReconciliationActor.Reconciled r) implements Command {}

  private record Verified(long raw, long hashKey, Long tag, Throwable failure) implements Command {}

  private record Committed(long raw, long poolFrameId, CommitResult result, Throwable failure) implements Command {}

  private record PeerNext(Long next, Throwable failure) implements Command {}

  /** Hooks for tests: flip a bit of the reconciled key of raw frames it selects. */
  private final IntPredicate residualErrorFor;

  private final Bb84LinkEnd end;
  private final PostProcessingTransport transport;
  private final ActorRef<ReconciliationActor.Command> reconciler;
  private final ActorRef<ReconciliationActor.Reconciled> reconciledAdapter;
  private final SecureRandom random;
  private final Map<Long, BobFrame> frames = new HashMap<>();
  private final ArrayDeque<Ready> ready = new ArrayDeque<>();
  private final long periodNanos;
  private long nextRaw;
  private long nextFrameAt;
  private int startedFrames;
  private Ready committing;
  private boolean commitRetry;
  private boolean checkedPeer;
  private boolean diverged;

  /** A verified frame waiting for its commit. */
  private record Ready(BobFrame frame, int secureBits, BitString seed) {}

  public static Behavior<Command> create(Bb84LinkEnd end, PostProcessingTransport transport, SecureRandom random,
      IntPredicate residualErrorFor) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new LinkPostProcessor(ctx, timers, end, transport, random, residualErrorFor)));
  }

  private LinkPostProcessor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Bb84LinkEnd end,
      PostProcessingTransport transport, SecureRandom random, IntPredicate residualErrorFor) {
    super(ctx);
    this.end = end;
    this.transport = transport;
    this.random = random;
    this.residualErrorFor = residualErrorFor;
    this.periodNanos = end.framePeriodNanos();
    // Raw frame ids are never reused, also not across restarts: start from the wall clock in
    // microseconds (frames are far longer than 1 us of simulated time at any sane speedup).
    this.nextRaw = System.currentTimeMillis() * 1000;
    this.nextFrameAt = System.nanoTime();
    this.reconciler = ctx.spawn(ReconciliationActor.create(end, transport), "reconciliation",
        DispatcherSelector.fromConfig(ReconciliationActor.DISPATCHER));
    this.reconciledAdapter = ctx.messageAdapter(ReconciliationActor.Reconciled.class, Reconciled::new);
    long tickMillis = Math.max(10, Math.min(1000, periodNanos / 2_000_000));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofMillis(tickMillis));
    ctx.getLog().info("link {}: Bob end of bb84-sim post-processing, a raw frame every {} ms, {} in flight",
        end.link(), periodNanos / 1_000_000, end.settings().framesInFlight());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(PeerNext.class, this::onPeerNext)
        .onMessage(Sifted.class, this::onSifted)
        .onMessage(Estimated.class, this::onEstimated)
        .onMessage(Reconciled.class, r -> onReconciled(r.r()))
        .onMessage(Verified.class, this::onVerified)
        .onMessage(Committed.class, this::onCommitted)
        .onSignal(PostStop.class, sig -> onStop())
        .build();
  }

  private Behavior<Command> onTick() {
    if (diverged) {
      return this;
    }
    if (!checkedPeer) {
      // First contact: does Alice expect the same pool frame as we do?
      getContext().pipeToSelf(transport.drop(end.peer(), nextRaw - 1, "restart"), PeerNext::new);
      return this;
    }
    if (committing != null && commitRetry) {
      commitRetry = false;
      sendCommit(committing);
    }
    long now = System.nanoTime();
    if (now - nextFrameAt > 4 * periodNanos) {
      nextFrameAt = now - periodNanos; // do not build up a backlog after a pause
    }
    int bytesPerFrame = 1024;
    while (now >= nextFrameAt && startedFrames < end.settings().framesInFlight() && end.hasRoom(bytesPerFrame)) {
      nextFrameAt += periodNanos;
      startFrame(nextRaw++);
    }
    return this;
  }

  private Behavior<Command> onPeerNext(PeerNext p) {
    if (p.failure() != null) {
      return this; // Alice not reachable yet: ask again on the next tick
    }
    checkedPeer = true;
    long mine = end.nextPoolFrameId();
    if (p.next() > mine) {
      diverged = true;
      getContext().getLog().error("link {}: Alice {} holds pool frames up to {} but this end only up to {}: the "
          + "pools diverged (Bob stopped between the two appends of a commit); no more key on this link",
          end.link(), end.peer(), p.next() - 1, mine - 1);
      end.stats().frameDropped("pools diverged after a crash");
    }
    return this;
  }

  private void startFrame(long raw) {
    BobFrame f;
    try {
      f = BobFrame.start(end, raw);
    } catch (RuntimeException e) {
      getContext().getLog().error("link {}: raw frame {} could not be simulated", end.link(), raw, e);
      return;
    }
    end.stats().frameStarted(System.nanoTime(), f.detections());
    if (f.detections() > BobFrame.MAX_DETECTIONS) {
      end.stats().frameDropped("frame too large for one message (reduce frame-slots)");
      f.zeroize();
      return;
    }
    frames.put(raw, f);
    startedFrames++;
    getContext().pipeToSelf(transport.sift(end.peer(), f.announcement()), (r, t) -> new Sifted(raw, r, t));
  }

  private Behavior<Command> onSifted(Sifted s) {
    BobFrame f = frames.get(s.raw());
    if (f == null) {
      return this;
    }
    if (s.failure() != null) {
      return drop(f, failed("sifting", s.failure()), false);
    }
    org.qkdnet.qnode.postprocessing.sifting.BitString disclosed;
    try {
      disclosed = f.onSiftReply(s.reply());
    } catch (RuntimeException e) {
      return drop(f, "bad sifting reply", true);
    }
    long permutationSeed = random.nextLong();
    getContext().pipeToSelf(transport.estimate(end.peer(), s.raw(), disclosed, permutationSeed),
        (d, t) -> new Estimated(s.raw(), d, t));
    // stash the seed with the frame's reconciliation request below
    seeds.put(s.raw(), permutationSeed);
    return this;
  }

  private final Map<Long, Long> seeds = new HashMap<>();

  private Behavior<Command> onEstimated(Estimated e) {
    BobFrame f = frames.get(e.raw());
    Long seed = seeds.remove(e.raw());
    if (f == null || seed == null) {
      return this;
    }
    if (e.failure() != null) {
      return drop(f, failed("estimation", e.failure()), false);
    }
    Estimate est;
    try {
      est = f.onEstimateReply(e.data());
    } catch (RuntimeException ex) {
      return drop(f, "bad estimation reply", true);
    }
    if (!e.data().dropReason().isEmpty()) {
      return drop(f, e.data().dropReason(), false); // Alice dropped it herself
    }
    if (!est.accepted() || f.keyLength() == 0) {
      return drop(f, est.dropReason().orElse("no raw key bits"), true);
    }
    reconciler.tell(new ReconciliationActor.Reconcile(f.raw(), f.noisyKey(), end.settings().cascadeVariant(),
        f.qberEstimate(), seed, reconciledAdapter));
    return this;
  }

  private Behavior<Command> onReconciled(ReconciliationActor.Reconciled r) {
    BobFrame f = frames.get(r.raw());
    if (f == null) {
      if (r.corrected() != null) {
        r.corrected().zeroize();
      }
      return this;
    }
    if (!r.failure().isEmpty()) {
      return drop(f, r.failure(), true);
    }
    f.onReconciled(r.corrected(), r.leakedBits(), r.roundTrips(), r.correctedBits());
    if (residualErrorFor != null && residualErrorFor.test((int) (r.raw() & 0x7fffffff))) {
      f.injectResidualError(0);
    }
    long hashKey = 0;
    while (hashKey == 0) {
      hashKey = random.nextLong();
    }
    int bits = end.settings().verificationTagBits();
    long key = hashKey;
    getContext().pipeToSelf(transport.verify(end.peer(), f.raw(), hashKey, bits),
        (tag, t) -> new Verified(r.raw(), key, tag, t));
    return this;
  }

  private Behavior<Command> onVerified(Verified v) {
    BobFrame f = frames.get(v.raw());
    if (f == null) {
      return this;
    }
    if (v.failure() != null) {
      return drop(f, failed("verification", v.failure()), true);
    }
    if (!f.verify(v.hashKey(), end.settings().verificationTagBits(), v.tag())) {
      return drop(f, "verification tag mismatch (residual error)", true);
    }
    long m = f.secureLength();
    if (m < 16) {
      return drop(f, "secure length below 16 bits", true);
    }
    int bits = (int) Math.min(m, Integer.MAX_VALUE - 7);
    long[] words = new long[BitString.wordsFor(ToeplitzHash.seedBits(f.keyLength(), bits))];
    for (int i = 0; i < words.length; i++) {
      words[i] = random.nextLong();
    }
    ready.add(new Ready(f, bits, BitString.wrap(words, ToeplitzHash.seedBits(f.keyLength(), bits))));
    commitNext();
    return this;
  }

  private void commitNext() {
    if (committing != null || ready.isEmpty() || diverged) {
      return;
    }
    committing = ready.poll();
    sendCommit(committing);
  }

  private void sendCommit(Ready r) {
    long pool = end.nextPoolFrameId();
    long raw = r.frame().raw();
    getContext().pipeToSelf(transport.commit(end.peer(), raw, pool, r.secureBits(), r.seed()),
        (res, t) -> new Committed(raw, pool, res, t));
  }

  private Behavior<Command> onCommitted(Committed c) {
    Ready r = committing;
    if (r == null || r.frame().raw() != c.raw()) {
      return this;
    }
    if (c.failure() != null) {
      // Unknown whether Alice appended: repeat the same commit (idempotent at Alice).
      commitRetry = true;
      retried.add(c.raw());
      getContext().getLog().debug("link {}: commit of pool frame {} unanswered ({}), will repeat", end.link(),
          c.poolFrameId(), cause(c.failure()));
      return this;
    }
    boolean appendHere = c.result().appended()
        || c.result().nextPoolFrameId() == c.poolFrameId() + 1 && retried.contains(c.raw());
    retried.remove(c.raw());
    committing = null;
    BobFrame f = r.frame();
    if (appendHere) {
      try (KeyMaterial key = f.amplify(r.seed(), r.secureBits())) {
        end.store().appendFrame(end.peer(), c.poolFrameId(), key);
      } catch (RuntimeException e) {
        getContext().getLog().error("link {}: pool frame {} could not be appended at Bob", end.link(),
            c.poolFrameId(), e);
        diverged = true;
      }
      end.stats().frameDone(f.keyLength(), r.secureBits(), f.keyQber(), f.efficiency());
      finishFrame(f);
    } else {
      getContext().getLog().warn("link {}: Alice refused pool frame {}: {}", end.link(), c.poolFrameId(),
          c.result().detail());
      drop(f, "commit refused by Alice", false);
    }
    r.seed().zeroize();
    commitNext();
    return this;
  }

  /** Raw frames whose commit was sent more than once (at most the one being committed). */
  private final java.util.Set<Long> retried = new java.util.HashSet<>();

  private Behavior<Command> drop(BobFrame f, String reason, boolean tellAlice) {
    end.stats().frameDropped(reason);
    if (tellAlice) {
      transport.drop(end.peer(), f.raw(), reason);
    }
    finishFrame(f);
    return this;
  }

  private void finishFrame(BobFrame f) {
    if (frames.remove(f.raw()) != null) {
      startedFrames--;
    }
    seeds.remove(f.raw());
    f.zeroize();
  }

  /** A short, bounded drop reason for a failed call; the details go to the debug log. */
  private String failed(String step, Throwable t) {
    getContext().getLog().debug("link {}: {} call failed: {}", end.link(), step, cause(t));
    return step + " call failed";
  }

  private static String cause(Throwable t) {
    Throwable c = t.getCause() != null && t instanceof java.util.concurrent.CompletionException ? t.getCause() : t;
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }

  private Behavior<Command> onStop() {
    frames.values().forEach(BobFrame::zeroize);
    frames.clear();
    ready.forEach(r -> r.seed().zeroize());
    return this;
  }
}
