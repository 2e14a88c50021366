package org.qkdnet.qnode.link.bb84;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
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
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.postprocessing.amplification.ToeplitzHash;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.config.Bb84Settings;
import org.qkdnet.qnode.postprocessing.estimation.BlockCounts;
import org.qkdnet.qnode.postprocessing.estimation.Estimate;
import org.qkdnet.qnode.postprocessing.estimation.FiniteKeyBound;
import org.qkdnet.qnode.postprocessing.verification.VerificationTag;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;

/**
 * Bob's end of a bb84-sim link: paces raw frames at the simulated pulse rate (times the
 * speedup) and drives each one through sifting, the per-frame check, Cascade (in the child
 * {@link ReconciliationActor} on its pinned dispatcher) and verification, up to
 * {@code frames-in-flight} frames at once. Verified frames are held (at both ends, in memory)
 * until their block has {@code block-bits} of reconciled key; the finite-key bound over the
 * block's counts then sets its secure length, and one privacy amplification over the block's
 * concatenated key yields one pool frame. A restart of either end loses the open block at both
 * (Bob's restart makes Alice forget it; after Alice's, she refuses its commit): none of it was
 * ever committed, so nothing is lost that was promised and nothing is committed twice. Pool appends
 * are synced writes: spawn this actor on the blocking-IO link dispatcher.
 *
 * <p><b>Commit order.</b> Blocks are committed one at a time, in the order they close, each
 * under the next pool frame id n, in two phases: Bob computes
 * the final key and stages it durably as pending frame n ({@code StationKeyStore.stagePending}),
 * then sends Commit(n); Alice computes hers, stages it and moves it into her pool in one synced
 * batch, and acknowledges; then Bob moves his staged copy into his pool. Alice is never behind
 * Bob, and at most one frame ahead. If the Commit call fails (Alice down, timeout), Bob repeats
 * the same Commit(n) until Alice answers: she acknowledges a repeat of the last frame she
 * appended, and refuses a frame she does not hold open (she restarted), which she can then
 * never append: Bob discards his staged copy, the frame is lost and n is used by the next one.
 *
 * <p><b>Restart.</b> Before anything else Bob tells Alice he restarted (a Drop with reason
 * {@link AliceFrames#RESTART}: she forgets every open frame of his previous run, so no late
 * commit of one can append) and learns her next pool frame id. Then, for each frame still
 * staged at Bob, in id order, he sends a recovery commit (secure length 0): if Alice holds the
 * frame (she appended it before Bob stopped) Bob appends his staged copy, otherwise he discards
 * it. The two ends thus never append different frames under one id nor skip an id at one end
 * only; a crash between the two appends costs no key. Pools that differ in any other way (a store
 * lost or replaced) cannot be repaired: Bob logs an error and commits nothing more on that link
 * (no pad is ever misused: relays over the link fail their MAC check instead).
 */
public final class LinkPostProcessor extends AbstractBehavior<LinkPostProcessor.Command> {
  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Sifted(long raw, SiftingReply reply, Throwable failure) implements Command {}

  private record Estimated(long raw, EstimateReplyData data, Throwable failure) implements Command {}

  private record Reconciled(ReconciliationActor.Reconciled r) implements Command {}

  private record Verified(long raw, VerificationTag tag, Throwable failure) implements Command {}

  private record Committed(long raw, long poolFrameId, CommitResult result, Throwable failure) implements Command {}

  private record PeerNext(Long next, Throwable failure) implements Command {}

  private record Recovered(long poolFrameId, CommitResult result, Throwable failure) implements Command {}

  /** The Toeplitz seed of a recovery commit: none. */
  private static final BitString NO_SEED = BitString.wrap(new long[0], 0);

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
  /** Whether a block closed since this end started (until then the first, smaller block is open). */
  private boolean firstBlockClosed;
  private Ready committing;
  private boolean commitRetry;
  private boolean checkedPeer;
  private boolean diverged;
  /** A first-contact or recovery call is in flight. */
  private boolean asking;
  /** Staged frames left from a previous run, still to resolve with Alice; null before first contact. */
  private ArrayDeque<Long> recovering;
  /** The raw frame id this run started below: marks its recovery commits. */
  private final long restartRaw;
  /** The pool frame id the frame being committed is staged under. */
  private long committingPool = -1;

  /** A closed block waiting for its commit: its frames in key order. */
  private record Ready(List<BobFrame> frames, int secureBits, BitString seed) {
    long firstRaw() {
      return frames.get(0).raw();
    }

    List<Long> raws() {
      return frames.stream().map(BobFrame::raw).toList();
    }

    long keyBits() {
      return frames.stream().mapToLong(BobFrame::keyLength).sum();
    }

    void zeroize() {
      seed.zeroize();
      frames.forEach(BobFrame::zeroize);
    }
  }

  /** Verified frames of the block being collected, in key order, with their sums. */
  private final List<BobFrame> block = new ArrayList<>();
  private BlockCounts blockCounts = BlockCounts.EMPTY;
  private long blockLeak;
  private long blockKeyBits;

  public static Behavior<Command> create(Bb84LinkEnd end, PostProcessingTransport transport, SecureRandom random,
      IntPredicate residualErrorFor) {
    return create(end, transport, random, residualErrorFor, () -> true);
  }

  /**
   * @param peerLive whether Alice is a live member of the cluster: Bob makes first contact (and
   *     starts producing frames) only once she is, so a station not admitted to the network
   *     spends nothing on its links, and stations that share a machine form their cluster first
   */
  public static Behavior<Command> create(Bb84LinkEnd end, PostProcessingTransport transport, SecureRandom random,
      IntPredicate residualErrorFor, BooleanSupplier peerLive) {
    return create(end, transport, random, residualErrorFor, peerLive, null);
  }

  /**
   * @param reconciler the link end's Cascade actor (on {@link ReconciliationActor#DISPATCHER}), or
   *     null to spawn it as a child. A station spawns it from a thread at normal priority: a pinned
   *     thread starts at the nice value of the thread that spawns its actor, and one spawned from
   *     this actor's (a post-processing thread at nice 19) could not be raised again by a process
   *     without the right to raise priorities (see {@link org.qkdnet.qnode.link.BackgroundPriority}).
   */
  public static Behavior<Command> create(Bb84LinkEnd end, PostProcessingTransport transport, SecureRandom random,
      IntPredicate residualErrorFor, BooleanSupplier peerLive, ActorRef<ReconciliationActor.Command> reconciler) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new LinkPostProcessor(ctx, timers, end, transport, random, residualErrorFor, peerLive, reconciler)));
  }

  private final BooleanSupplier peerLive;

  private LinkPostProcessor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Bb84LinkEnd end,
      PostProcessingTransport transport, SecureRandom random, IntPredicate residualErrorFor,
      BooleanSupplier peerLive, ActorRef<ReconciliationActor.Command> reconciler) {
    super(ctx);
    this.peerLive = peerLive;
    this.end = end;
    this.transport = transport;
    this.random = random;
    this.residualErrorFor = residualErrorFor;
    this.periodNanos = end.framePeriodNanos();
    // Raw frame ids are never reused, also not across restarts: start from the wall clock in
    // microseconds (frames are far longer than 1 us of simulated time at any sane speedup).
    this.nextRaw = System.currentTimeMillis() * 1000;
    this.restartRaw = nextRaw - 1;
    this.nextFrameAt = System.nanoTime();
    this.reconciler = reconciler != null ? reconciler : ctx.spawn(ReconciliationActor.create(end, transport),
        "reconciliation", DispatcherSelector.fromConfig(ReconciliationActor.DISPATCHER));
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
        .onMessage(Recovered.class, this::onRecovered)
        .onSignal(PostStop.class, sig -> onStop())
        .build();
  }

  private Behavior<Command> onTick() {
    if (diverged) {
      return this;
    }
    if (!checkedPeer) {
      if (!asking && (recovering != null || peerLive.getAsBoolean())) {
        asking = true;
        if (recovering == null) {
          // First contact: Alice forgets our previous run's frames and tells her next pool frame.
          getContext().pipeToSelf(transport.drop(end.peer(), restartRaw, AliceFrames.RESTART), PeerNext::new);
        } else {
          sendRecovery();
        }
      }
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
    asking = false;
    if (p.failure() != null) {
      return this; // Alice not reachable yet: ask again on the next tick
    }
    long mine = end.nextPoolFrameId();
    recovering = new ArrayDeque<>();
    try {
      for (long id : end.store().pendingIds(end.peer())) {
        if (id == mine) {
          recovering.add(id);
        } else if (id < mine) {
          end.store().commitPending(end.peer(), id); // already in the pool: drops the staged copy
        } else {
          end.store().discardPending(end.peer(), id); // never sent: Bob commits in pool order
        }
      }
    } catch (RuntimeException e) {
      return diverge("its staged frames could not be read", e);
    }
    boolean aliceHoldsOurStaged = p.next() == mine + 1 && !recovering.isEmpty();
    if (p.next() != mine && !aliceHoldsOurStaged) {
      return diverge("Alice " + end.peer() + " expects pool frame " + p.next() + " but this end " + mine, null);
    }
    if (recovering.isEmpty()) {
      checkedPeer = true;
    } else {
      asking = true;
      sendRecovery();
    }
    return this;
  }

  private void sendRecovery() {
    long id = recovering.peek();
    getContext().pipeToSelf(transport.commit(end.peer(), restartRaw, id, 0, NO_SEED, List.of()),
        (res, t) -> new Recovered(id, res, t));
  }

  private Behavior<Command> onRecovered(Recovered r) {
    asking = false;
    if (diverged || recovering == null || recovering.isEmpty() || recovering.peek() != r.poolFrameId()) {
      return this;
    }
    if (r.failure() != null) {
      return this; // ask again on the next tick
    }
    try {
      if (r.result().appended()) {
        end.store().commitPending(end.peer(), r.poolFrameId());
        getContext().getLog().info("link {}: pool frame {} staged before the restart committed", end.link(),
            r.poolFrameId());
      } else if (r.result().nextPoolFrameId() == r.poolFrameId()) {
        end.store().discardPending(end.peer(), r.poolFrameId());
        end.stats().frameDropped("staged before a restart, not held by Alice");
      } else {
        return diverge("Alice refused staged pool frame " + r.poolFrameId() + " (" + r.result().detail()
            + ") and expects " + r.result().nextPoolFrameId(), null);
      }
    } catch (RuntimeException e) {
      return diverge("staged pool frame " + r.poolFrameId() + " could not be resolved", e);
    }
    recovering.poll();
    if (recovering.isEmpty()) {
      checkedPeer = true;
    } else {
      asking = true;
      sendRecovery();
    }
    return this;
  }

  private Behavior<Command> diverge(String why, Throwable e) {
    diverged = true;
    getContext().getLog().error("link {}: pools diverged: {}; no more key on this link", end.link(), why, e);
    end.stats().frameDropped("pools diverged");
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
    int bits = end.settings().verificationTagBits();
    long hashKey = nonzeroRandom();
    long hashKey2 = bits > 64 ? nonzeroRandom() : 0;
    getContext().pipeToSelf(transport.verify(end.peer(), f.raw(), hashKey, hashKey2, bits),
        (tag, t) -> new Verified(r.raw(), tag, t));
    return this;
  }

  private long nonzeroRandom() {
    long v = 0;
    while (v == 0) {
      v = random.nextLong();
    }
    return v;
  }

  private Behavior<Command> onVerified(Verified v) {
    BobFrame f = frames.get(v.raw());
    if (f == null) {
      return this;
    }
    if (v.failure() != null) {
      return drop(f, failed("verification", v.failure()), true);
    }
    int bits = end.settings().verificationTagBits();
    if (v.tag().tagBits() != bits || v.tag().frameId() != f.raw() || !f.verify(v.tag())) {
      return drop(f, "verification tag mismatch (residual error)", true);
    }
    // The frame leaves the frames in flight and joins the block; Alice holds her copy.
    frames.remove(f.raw());
    seeds.remove(f.raw());
    startedFrames--;
    end.stats().frameReconciled(f.efficiency());
    block.add(f);
    blockCounts = blockCounts.plus(f.counts());
    blockLeak += f.leakBits();
    blockKeyBits += f.keyLength();
    if (blockKeyBits >= blockTarget() || block.size() >= Bb84Settings.MAX_BLOCK_FRAMES) {
      closeBlock();
    }
    return this;
  }

  /**
   * Sifted bits the open block collects: the first block after this end started is the smaller
   * first-block-bits (key within a frame or two of a start or restart), the others block-bits.
   */
  private long blockTarget() {
    return firstBlockClosed ? end.settings().blockBits() : end.settings().firstBlockBits();
  }


  /**
   * Parameter estimation over the block: the finite-key bound of its counts sets its secure
   * length; a block it leaves no key is dropped at both ends.
   */
  private void closeBlock() {
    firstBlockClosed = true;
    List<BobFrame> frames = List.copyOf(block);
    FiniteKeyBound.Result bound = end.bound().evaluate(blockCounts, blockLeak);
    long keyBits = blockKeyBits;
    block.clear();
    blockCounts = BlockCounts.EMPTY;
    blockLeak = 0;
    blockKeyBits = 0;
    long m = Bb84LinkEnd.roundToBytes(Math.min(bound.secureBits(), Integer.MAX_VALUE - 7));
    if (m < 16) {
      getContext().getLog().warn("link {}: block of {} frames ({} reconciled bits) yields no key: {}", end.link(),
          frames.size(), keyBits, bound.noKeyReason().orElse("secure length below 16 bits"));
      for (BobFrame f : frames) {
        end.stats().frameDropped("block left no key by the finite-key bound");
        transport.drop(end.peer(), f.raw(), "block left no key");
        f.zeroize();
      }
      return;
    }
    int bits = (int) m;
    int seedBits = ToeplitzHash.seedBits((int) keyBits, bits);
    long[] words = new long[BitString.wordsFor(seedBits)];
    for (int i = 0; i < words.length; i++) {
      words[i] = random.nextLong();
    }
    getContext().getLog().info("link {}: block of {} frames, {} reconciled bits: phase error <= {}, {} secure bits",
        end.link(), frames.size(), keyBits, String.format(java.util.Locale.ROOT, "%.4f", bound.phaseError()), bits);
    ready.add(new Ready(frames, bits, BitString.wrap(words, seedBits)));
    commitNext();
  }

  private void commitNext() {
    while (committing == null && !ready.isEmpty() && !diverged) {
      Ready r = ready.poll();
      long pool = end.nextPoolFrameId();
      // Phase one: the final key is durable here before Alice may append it.
      BitString whole = BitString.concat(r.frames().stream().map(BobFrame::reconciledKey).toList());
      try {
        BitString out = ToeplitzHash.hash(whole, r.seed(), r.secureBits());
        try (KeyMaterial key = out.toKeyMaterial()) {
          end.store().stagePending(end.peer(), pool, key);
        } finally {
          out.zeroize();
        }
      } catch (RuntimeException e) {
        r.frames().forEach(f -> end.stats().frameDropped("final key could not be staged"));
        r.raws().forEach(raw -> transport.drop(end.peer(), raw, "final key could not be staged"));
        r.zeroize();
        diverge("pool frame " + pool + " could not be staged", e);
        return;
      } finally {
        whole.zeroize();
      }
      committing = r;
      committingPool = pool;
      sendCommit(r);
    }
  }

  private void sendCommit(Ready r) {
    long pool = committingPool;
    long raw = r.firstRaw();
    getContext().pipeToSelf(transport.commit(end.peer(), raw, pool, r.secureBits(), r.seed(), r.raws()),
        (res, t) -> new Committed(raw, pool, res, t));
  }

  private Behavior<Command> onCommitted(Committed c) {
    Ready r = committing;
    if (r == null || r.firstRaw() != c.raw()) {
      return this;
    }
    if (c.failure() != null) {
      // Unknown whether Alice appended: repeat the same commit (idempotent at Alice).
      commitRetry = true;
      getContext().getLog().debug("link {}: commit of pool frame {} unanswered ({}), will repeat", end.link(),
          c.poolFrameId(), cause(c.failure()));
      return this;
    }
    committing = null;
    committingPool = -1;
    if (c.result().appended()) {
      try {
        end.store().commitPending(end.peer(), c.poolFrameId());
      } catch (RuntimeException e) {
        diverge("pool frame " + c.poolFrameId() + " could not be appended at Bob", e);
      }
      double qber = r.frames().stream().mapToDouble(BobFrame::keyQber).average().orElse(0);
      end.stats().blockDone(r.frames().size(), r.keyBits(), r.secureBits(), qber);
    } else {
      getContext().getLog().warn("link {}: Alice refused pool frame {}: {}", end.link(), c.poolFrameId(),
          c.result().detail());
      try {
        end.store().discardPending(end.peer(), c.poolFrameId());
      } catch (RuntimeException e) {
        diverge("staged pool frame " + c.poolFrameId() + " could not be discarded", e);
      }
      if (c.result().nextPoolFrameId() > c.poolFrameId()) {
        diverge("Alice holds pool frame " + c.poolFrameId() + " from another block", null);
      }
      r.frames().forEach(f -> end.stats().frameDropped("block commit refused by Alice"));
    }
    r.zeroize();
    commitNext();
    return this;
  }

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
    block.forEach(BobFrame::zeroize);
    block.clear();
    ready.forEach(Ready::zeroize);
    if (committing != null) {
      committing.zeroize();
    }
    return this;
  }
}
