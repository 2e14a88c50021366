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
import org.qkdnet.qnode.postprocessing.estimation.Estimate;
import org.qkdnet.qnode.postprocessing.estimation.FrameStatistics;
import org.qkdnet.qnode.postprocessing.sifting.SiftedFrame;
import org.qkdnet.qnode.postprocessing.sifting.Sifter;
import org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;
import org.qkdnet.qnode.postprocessing.verification.FrameVerifier;

/**
 * Alice's end of the post-processing of one link (pure core): answers Bob's calls frame by frame
 * from her own simulator view only. She computes the frame statistics, the estimate and the
 * secure length herself (she counts the Cascade parities she disclosed), so a commit asking for
 * more key than her own bound is refused. Bad or out-of-order calls throw
 * {@link IllegalArgumentException} / {@link IllegalStateException} and change nothing.
 *
 * <p>A raw frame is sifted at most once (a replayed or reused raw frame is refused; frames in
 * flight may arrive in any order). At most {@link #MAX_OPEN_FRAMES} frames are open; opening more forgets the oldest.
 */
public final class AliceFrames {
  public static final int MAX_OPEN_FRAMES = 128;
  /** Pool frame id -> raw frame id of the last commits, to answer a repeated commit. */
  private static final int COMMIT_MEMORY = 256;

  private final Bb84LinkEnd end;
  private final TreeMap<Long, Frame> open = new TreeMap<>();
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
    /** Null for a frame opened by {@link #openForReconciliation}. */
    final SiftedFrame sifted;
    final FrameStatistics.SentPulses sent;
    Estimate estimate;
    CascadeAlice cascade;
    BitString key;
    int tagBits = -1;

    Frame(SiftedFrame sifted, FrameStatistics.SentPulses sent) {
      this.sifted = sifted;
      this.sent = sent;
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
    open.put(raw, new Frame(s.sifted(), sent));
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
    FrameStatistics stats = FrameStatistics.tally(f.sifted, bobDisclosed, f.sent,
        end.settings().params().basisMatchProbability());
    Estimate e = end.estimator().estimate(stats);
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
    Frame f = new Frame(null, new FrameStatistics.SentPulses(1, 1, 1));
    f.key = key.copy();
    f.cascade = new CascadeAlice(raw, f.key, permutationSeed);
    open.put(raw, f);
  }

  /** Step 4: the verification tag of Alice's frame under Bob's fresh key. */
  public synchronized long verify(long raw, long hashKey, int tagBits) {
    Frame f = frame(raw);
    if (f.cascade == null) {
      throw new IllegalStateException("raw frame " + raw + " is not being reconciled");
    }
    if (f.tagBits >= 0) {
      throw new IllegalStateException("raw frame " + raw + " was already verified");
    }
    long tag = FrameVerifier.tag(raw, f.key, hashKey, tagBits).tag();
    f.tagBits = tagBits;
    return tag;
  }

  /** The largest secure length Alice accepts for an open, verified frame (whole bytes). */
  private long secureBound(Frame f) {
    long leak = f.cascade.disclosedBits();
    return Bb84LinkEnd.roundToBytes(f.estimate.secureLength(leak, f.tagBits, end.settings().authBitsPerFrame(),
        end.settings().epsPa()));
  }

  /**
   * Step 5: privacy amplification and the commit under {@code poolFrameId} (two-phase: the final
   * key is staged durably, then moved into the pool in one synced batch, before the answer).
   * Idempotent: a repeat of the last appended pool frame is acknowledged (Bob stages a frame
   * before he sends its commit and sends pool frame n + 1 only after appending n, so Alice's
   * pool is never more than one frame ahead of Bob's, and the frame she holds as n is the one
   * Bob staged as n). A commit Alice cannot carry out (the raw frame is not open here, e.g.
   * after her restart) is refused, and she can never append that frame later: Bob then discards
   * his staged copy and both reuse the pool frame id. The final key leaves this method only
   * into the key store.
   *
   * <p>A secure length of 0 marks Bob's recovery commit after his restart ({@code raw} is then
   * not a frame): Alice first forgets every open frame (all from Bob's previous run), then
   * answers whether she holds pool frame {@code poolFrameId}.
   */
  public synchronized CommitResult commit(long raw, long poolFrameId, int secureBits, BitString seed) {
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
          + (had == null ? "an earlier frame" : "raw frame " + had), next);
    }
    if (poolFrameId > next) {
      return new CommitResult(false, "pool frame " + poolFrameId + " would leave a gap: expected " + next, next);
    }
    Frame f = recovery ? null : open.get(raw);
    if (f == null) {
      return new CommitResult(false, recovery ? "pool frame " + poolFrameId + " was never committed here"
          : "no open raw frame " + raw + " on link " + end.link() + " (dropped, or Alice restarted)", next);
    }
    if (f.tagBits < 0 || f.estimate == null) {
      throw new IllegalStateException("raw frame " + raw + " was not verified");
    }
    long bound = secureBound(f);
    if (secureBits < 16 || secureBits % 8 != 0 || secureBits > bound) {
      throw new IllegalArgumentException("secure length " + secureBits + " bits is not a whole number of bytes in 16.."
          + bound + " (Alice's own bound for raw frame " + raw + ")");
    }
    int seedBits = ToeplitzHash.seedBits(f.key.length(), secureBits);
    if (seed.length() != seedBits) {
      throw new IllegalArgumentException("Toeplitz seed has " + seed.length() + " bits, expected " + seedBits);
    }
    BitString out = ToeplitzHash.hash(f.key, seed, secureBits);
    try (KeyMaterial finalKey = out.toKeyMaterial()) {
      end.store().stagePending(end.peer(), poolFrameId, finalKey);
    } finally {
      out.zeroize();
    }
    end.store().commitPending(end.peer(), poolFrameId);
    committed.put(poolFrameId, raw);
    long siftedKey = f.key.length();
    double qber = f.estimate.qber();
    forgetQuietly(raw);
    end.stats().frameDone(siftedKey, secureBits, qber, Double.NaN);
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
    } else if (open.containsKey(raw)) {
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
  }

  /** Toeplitz seed bits a commit of open frame {@code raw} to {@code secureBits} needs; -1 if not open. */
  public synchronized int seedBits(long raw, int secureBits) {
    Frame f = open.get(raw);
    if (f == null || f.key == null || secureBits < 1) {
      return -1;
    }
    return ToeplitzHash.seedBits(f.key.length(), secureBits);
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
  }

  /** Forgets every open frame (shutdown). */
  public synchronized void zeroize() {
    for (Iterator<Frame> it = open.values().iterator(); it.hasNext(); ) {
      it.next().zeroize();
      it.remove();
    }
  }
}
