package org.qkdnet.qnode.link.bb84;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.qkdnet.qnode.device.sim.Bb84AliceView;
import org.qkdnet.qnode.device.sim.Intensity;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.postprocessing.amplification.ToeplitzHash;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.CascadeAlice;
import org.qkdnet.qnode.postprocessing.cascade.CascadeCodec;
import org.qkdnet.qnode.postprocessing.estimation.BlockCounts;
import org.qkdnet.qnode.postprocessing.estimation.Estimate;
import org.qkdnet.qnode.postprocessing.estimation.FrameStatistics;
import org.qkdnet.qnode.postprocessing.sifting.SiftedFrame;
import org.qkdnet.qnode.postprocessing.sifting.Sifter;
import org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;
import org.qkdnet.qnode.postprocessing.verification.FrameVerifier;
import org.qkdnet.qnode.postprocessing.verification.VerificationTag;

/**
 * Alice's end of the post-processing of one link (pure core): answers Bob's calls frame by frame
 * from her own simulator view only. She computes the frame statistics, the estimate and the
 * secure length herself (she counts the Cascade parities she disclosed), so a commit asking for
 * more key than her own bound is refused. Bad or out-of-order calls throw
 * {@link IllegalArgumentException} / {@link IllegalStateException} and change nothing.
 *
 * <p>A raw frame is sifted at most once (a replayed or reused raw frame is refused; frames in
 * flight may arrive in any order). At most {@link #MAX_OPEN_FRAMES} frames are open; opening more forgets the oldest.
 * A verified frame is held (its reconciled key, counts and leak only) until Bob commits or drops
 * the block it belongs to; at most {@link #MAX_HELD_FRAMES} are held, holding more forgets the oldest.
 */
public final class AliceFrames {
  public static final int MAX_OPEN_FRAMES = 128;
  /** Most frames of one block. */
  public static final int MAX_BLOCK_FRAMES = org.qkdnet.qnode.config.Bb84Settings.MAX_BLOCK_FRAMES;
  /** Held frames: a block and the start of the next. */
  public static final int MAX_HELD_FRAMES = 2 * MAX_BLOCK_FRAMES;
  /** Pool frame id -> raw frame id of the last commits, to answer a repeated commit. */
  private static final int COMMIT_MEMORY = 256;

  private final Bb84LinkEnd end;
  private final TreeMap<Long, Frame> open = new TreeMap<>();
  private final TreeMap<Long, Frame> held = new TreeMap<>();
  private final Map<Long, Long> committed = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
      return size() > COMMIT_MEMORY;
    }
  };
  /**
   * Raw frames sifted lately: Bob's sifting calls for frames in flight may arrive out of order, so
   * a frame is refused only if it was sifted already or is older than everything remembered.
   */
  private final java.util.TreeSet<Long> recentlySifted = new java.util.TreeSet<>();
  private long siftedFloor = -1;
  private static final int SIFTED_MEMORY = 256;

  AliceFrames(Bb84LinkEnd end) {
    this.end = end;
  }

  /** One open frame at Alice. */
  private static final class Frame {
    /** Null for a frame opened by {@link #openForReconciliation}, and once held. */
    SiftedFrame sifted;
    final FrameStatistics.SentPulses sent;
    final int detections;
    Estimate estimate;
    CascadeAlice cascade;
    BitString key;
    int tagBits = -1;
    /** Everything disclosed about the key, set when the frame is verified. */
    long leak = -1;

    Frame(SiftedFrame sifted, FrameStatistics.SentPulses sent, int detections) {
      this.sifted = sifted;
      this.sent = sent;
      this.detections = detections;
    }

    void zeroize() {
      if (sifted != null) {
        sifted.zeroize();
      }
      if (cascade != null) {
        cascade.zeroize();
      }
      if (key != null) {
        key.zeroize();
      }
    }
  }

  /** Step 1: match Bob's announcement against what Alice sent in that raw frame. */
  public synchronized SiftingReply sift(SiftingAnnouncement announcement) {
    long raw = announcement.frame();
    if (raw <= siftedFloor || recentlySifted.contains(raw)) {
      throw new IllegalArgumentException("raw frame " + raw + " was sifted before or is too old"
          + " (raw frames are never reused)");
    }
    Bb84AliceView view = end.simulator().aliceView(raw);
    Sifter.AliceSifting s = Sifter.alice(view, announcement);
    recentlySifted.add(raw);
    if (recentlySifted.size() > SIFTED_MEMORY) {
      siftedFloor = recentlySifted.pollFirst();
    }
    FrameStatistics.SentPulses sent = new FrameStatistics.SentPulses(view.pulses(Intensity.SIGNAL),
        view.pulses(Intensity.DECOY), view.pulses(Intensity.VACUUM));
    open.put(raw, new Frame(s.sifted(), sent, announcement.size()));
    end.stats().frameStarted(System.nanoTime(), announcement.size());
    while (open.size() > MAX_OPEN_FRAMES) {
      Map.Entry<Long, Frame> oldest = open.pollFirstEntry();
      oldest.getValue().zeroize();
      end.stats().frameDropped("abandoned by Bob");
    }
    return s.reply();
  }

  /** Step 2: Bob's disclosed bits in, Alice's out; both ends estimate the same statistics. */
  public synchronized EstimateReplyData estimate(long raw, org.qkdnet.qnode.postprocessing.sifting.BitString bobDisclosed,
      long permutationSeed) {
    Frame f = frame(raw);
    if (f.estimate != null || f.sifted == null) {
      throw new IllegalStateException("raw frame " + raw + " was already estimated");
    }
    Estimate e = end.frameCheck().check(raw, FrameStatistics.tally(f.sifted, bobDisclosed));
    org.qkdnet.qnode.postprocessing.sifting.BitString mine = f.sifted.disclosedBits();
    if (!e.accepted() || f.sifted.keyLength() == 0) {
      String reason = e.dropReason().orElse("no key bits");
      forget(raw, reason);
      return new EstimateReplyData(mine, f.sent, reason);
    }
    f.estimate = e;
    try (KeyMaterial k = f.sifted.keyBits()) {
      f.key = BitString.fromKeyMaterial(k, f.sifted.keyLength());
    }
    f.cascade = new CascadeAlice(raw, f.key, permutationSeed);
    return new EstimateReplyData(mine, f.sent, "");
  }

  /** Step 3: one Cascade round (CascadeCodec bytes in and out). Runs on the reconciliation actor. */
  public byte[] answer(long raw, byte[] questions) {
    CascadeAlice cascade;
    synchronized (this) {
      Frame f = frame(raw);
      if (f.cascade == null) {
        throw new IllegalStateException("raw frame " + raw + " is not being reconciled");
      }
      cascade = f.cascade;
    }
    // CascadeAlice is used by one actor at a time; the link lock is not held while hashing parities.
    synchronized (cascade) {
      return CascadeCodec.encode(cascade.answer(CascadeCodec.decodeQuestions(questions)));
    }
  }

  /**
   * Step 3 for a batch: answers each round in order; a round Alice cannot answer (unknown frame,
   * bad questions) gets an error and the others are still answered.
   */
  public List<CascadeBatch.Answer> answer(List<CascadeBatch.Round> rounds) {
    List<CascadeBatch.Answer> out = new ArrayList<>(rounds.size());
    for (CascadeBatch.Round r : rounds) {
      try {
        out.add(new CascadeBatch.Answer(r.raw(), answer(r.raw(), r.questions()), ""));
      } catch (RuntimeException e) {
        out.add(CascadeBatch.Answer.refused(r.raw(), String.valueOf(e.getMessage())));
      }
    }
    return out;
  }

  /**
   * Opens {@code raw} for Cascade directly, with a key sifted and estimated elsewhere: for the
   * reconciliation benchmark over LinkService (not reachable from the wire).
   */
  public synchronized void openForReconciliation(long raw, BitString key, long permutationSeed) {
    if (open.containsKey(raw)) {
      throw new IllegalStateException("raw frame " + raw + " is already open");
    }
    Frame f = new Frame(null, new FrameStatistics.SentPulses(1, 1, 1), 0);
    f.key = key.copy();
    f.cascade = new CascadeAlice(raw, f.key, permutationSeed);
    open.put(raw, f);
  }

  /**
   * Step 4: the verification tag of Alice's frame under Bob's fresh keys. The frame is then held
   * (reconciled key, counts, leak) until Bob commits or drops its block.
   */
  public synchronized VerificationTag verify(long raw, long hashKey, long hashKey2, int tagBits) {
    Frame f = frame(raw);
    if (f.cascade == null || f.sifted == null) {
      throw new IllegalStateException("raw frame " + raw + " is not being reconciled");
    }
    VerificationTag tag = FrameVerifier.tag(raw, f.key, hashKey, hashKey2, tagBits);
    f.tagBits = tagBits;
    f.leak = Bb84LinkEnd.frameLeakBits(f.detections, f.sifted.size(), f.sifted.disclosedLength(),
        f.cascade.disclosedBits(), tagBits, f.key.length());
    f.cascade.zeroize();
    f.cascade = null;
    f.sifted.zeroize();
    f.sifted = null;
    open.remove(raw);
    held.put(raw, f);
    while (held.size() > MAX_HELD_FRAMES) {
      held.pollFirstEntry().getValue().zeroize();
      end.stats().frameDropped("held too long (block never committed)");
    }
    return tag;
  }

  /** The finite-key length Alice accepts for the block of held frames {@code raws} (whole bytes); -1 if one is not held. */
  private long secureBound(List<Frame> block) {
    BlockCounts counts = BlockCounts.EMPTY;
    long leak = 0;
    for (Frame f : block) {
      counts = counts.plus(f.estimate.counts());
      leak += f.leak;
    }
    return Bb84LinkEnd.roundToBytes(end.bound().evaluate(counts, leak).secureBits());
  }

  /** The held frames of a block in order, or null if one is missing or listed twice. */
  private List<Frame> heldBlock(List<Long> raws) {
    List<Frame> out = new ArrayList<>(raws.size());
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (long raw : raws) {
      Frame f = held.get(raw);
      if (f == null || !seen.add(raw)) {
        return null;
      }
      out.add(f);
    }
    return out;
  }

  /**
   * Step 5: privacy amplification of the block of held frames {@code blockRaws} (their reconciled
   * keys concatenated in that order, one Toeplitz hash) and its commit under {@code poolFrameId}
   * (two-phase: the final key is staged durably, then moved into the pool in one synced batch,
   * before the answer). Alice evaluates the finite-key bound over the block's counts and leaks
   * herself and refuses a longer key. Idempotent: a repeat of the last appended pool frame is
   * acknowledged (Bob stages a block before he sends its commit and sends pool frame n + 1 only
   * after appending n, so Alice's pool is never more than one frame ahead of Bob's, and the block
   * she holds as n is the one Bob staged as n). A block Alice does not hold whole (a frame was
   * dropped, or she restarted) is refused and forgotten, and she can never append it later: Bob
   * then discards his staged copy and both reuse the pool frame id. The final key leaves this
   * method only into the key store.
   *
   * <p>A secure length of 0 marks Bob's recovery commit after his restart ({@code raw} is then
   * not a frame): Alice first forgets every open frame (all from Bob's previous run), then
   * answers whether she holds pool frame {@code poolFrameId}.
   */
  public synchronized CommitResult commit(long raw, long poolFrameId, int secureBits, BitString seed,
      List<Long> blockRaws) {
    settleOwnPendingLocked();
    boolean recovery = secureBits == 0;
    if (recovery) {
      forgetAllOpen();
    }
    long next = end.nextPoolFrameId();
    if (poolFrameId < next) {
      Long had = committed.get(poolFrameId);
      if (poolFrameId == next - 1 && (had == null || had == raw || recovery)) {
        return new CommitResult(true, "already appended", next);
      }
      return new CommitResult(false, "pool frame " + poolFrameId + " already holds "
          + (had == null ? "an earlier block" : "the block of raw frame " + had), next);
    }
    if (poolFrameId > next) {
      return new CommitResult(false, "pool frame " + poolFrameId + " would leave a gap: expected " + next, next);
    }
    if (recovery) {
      return new CommitResult(false, "pool frame " + poolFrameId + " was never committed here", next);
    }
    if (blockRaws.isEmpty() || blockRaws.size() > MAX_BLOCK_FRAMES || blockRaws.get(0) != raw) {
      throw new IllegalArgumentException("a block lists 1.." + MAX_BLOCK_FRAMES + " raw frames starting with "
          + raw + ", got " + blockRaws.size());
    }
    List<Frame> block = heldBlock(blockRaws);
    if (block == null) {
      for (long r : blockRaws) {
        forgetQuietly(r);
      }
      return new CommitResult(false, "block of raw frame " + raw + " on link " + end.link()
          + " is not held whole here (dropped, or Alice restarted)", next);
    }
    long bound = secureBound(block);
    if (secureBits < 16 || secureBits % 8 != 0 || secureBits > bound) {
      throw new IllegalArgumentException("secure length " + secureBits + " bits is not a whole number of bytes in 16.."
          + bound + " (Alice's own finite-key bound for the block of raw frame " + raw + ")");
    }
    List<BitString> keys = new ArrayList<>(block.size());
    long keyBits = 0;
    for (Frame f : block) {
      keys.add(f.key);
      keyBits += f.key.length();
    }
    int seedBits = ToeplitzHash.seedBits((int) keyBits, secureBits);
    if (seed.length() != seedBits) {
      throw new IllegalArgumentException("Toeplitz seed has " + seed.length() + " bits, expected " + seedBits);
    }
    BitString whole = BitString.concat(keys);
    try {
      BitString out = ToeplitzHash.hash(whole, seed, secureBits);
      try (KeyMaterial finalKey = out.toKeyMaterial()) {
        end.store().stagePending(end.peer(), poolFrameId, finalKey);
      } finally {
        out.zeroize();
      }
    } finally {
      whole.zeroize();
    }
    end.store().commitPending(end.peer(), poolFrameId);
    committed.put(poolFrameId, raw);
    double qber = 0;
    for (Frame f : block) {
      qber += f.estimate.qber();
    }
    for (long r : blockRaws) {
      forgetQuietly(r);
    }
    end.stats().blockDone(block.size(), keyBits, secureBits, qber / block.size());
    return new CommitResult(true, "", poolFrameId + 1);
  }

  /**
   * Bob dropped (or abandoned) raw frame {@code raw}; returns the next pool frame id Alice
   * expects. With reason {@link #RESTART} (Bob's first call after he starts) every open frame is
   * forgotten: they all belong to Bob's previous run, and a late commit of one must not append.
   */
  public synchronized long drop(long raw, String reason) {
    settleOwnPendingLocked();
    if (RESTART.equals(reason)) {
      forgetAllOpen();
    } else if (open.containsKey(raw) || held.containsKey(raw)) {
      forget(raw, reason);
    }
    return end.nextPoolFrameId();
  }

  /** The drop reason Bob sends first after he starts. */
  public static final String RESTART = "restart";

  /**
   * Once, before the first answer after Alice starts: a frame she staged but did not move into
   * the pool (she stopped between the two writes) was staged by Bob too (he stages before he
   * sends the commit) and Bob discards his copy only after Alice told him she does not hold it,
   * so Alice completes it. Anything else staged cannot belong to the pool and is discarded.
   */
  private void settleOwnPendingLocked() {
    if (pendingSettled) {
      return;
    }
    for (long id : end.store().pendingIds(end.peer())) {
      if (id <= end.nextPoolFrameId()) {
        end.store().commitPending(end.peer(), id);
      } else {
        end.store().discardPending(end.peer(), id);
      }
    }
    pendingSettled = true;
  }

  private boolean pendingSettled;

  private void forgetAllOpen() {
    while (!open.isEmpty()) {
      open.pollFirstEntry().getValue().zeroize();
      end.stats().frameDropped("abandoned by Bob (restart)");
    }
    while (!held.isEmpty()) {
      held.pollFirstEntry().getValue().zeroize();
      end.stats().frameDropped("held in a block Bob abandoned (restart)");
    }
  }

  /** Toeplitz seed bits a commit of the held block {@code raws} to {@code secureBits} needs; -1 if not held whole. */
  public synchronized int seedBits(List<Long> raws, int secureBits) {
    List<Frame> block = heldBlock(raws);
    if (block == null || block.isEmpty() || secureBits < 1) {
      return -1;
    }
    long bits = 0;
    for (Frame f : block) {
      bits += f.key.length();
    }
    return bits + secureBits - 1 > Integer.MAX_VALUE ? -1 : ToeplitzHash.seedBits((int) bits, secureBits);
  }

  /** Frames held for their block (tests, figures). */
  public synchronized int heldFrames() {
    return held.size();
  }

  /** Frames currently open (tests, figures). */
  public synchronized int openFrames() {
    return open.size();
  }

  private Frame frame(long raw) {
    Frame f = open.get(raw);
    if (f == null) {
      throw new IllegalStateException("no open raw frame " + raw + " on link " + end.link());
    }
    return f;
  }

  private void forget(long raw, String reason) {
    forgetQuietly(raw);
    end.stats().frameDropped(reason);
  }

  private void forgetQuietly(long raw) {
    Frame f = open.remove(raw);
    if (f != null) {
      f.zeroize();
    }
    Frame h = held.remove(raw);
    if (h != null) {
      h.zeroize();
    }
  }

  /** Forgets every open frame (shutdown). */
  public synchronized void zeroize() {
    for (Iterator<Frame> it = open.values().iterator(); it.hasNext(); ) {
      it.next().zeroize();
      it.remove();
    }
    for (Iterator<Frame> it = held.values().iterator(); it.hasNext(); ) {
      it.next().zeroize();
      it.remove();
    }
  }
}
