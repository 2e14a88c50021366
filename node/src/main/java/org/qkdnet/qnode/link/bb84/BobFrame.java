package org.qkdnet.qnode.link.bb84;

import java.util.Objects;
import org.qkdnet.qnode.device.sim.Bb84BobView;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.InProcessCascade;
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
 * Bob's state of one raw frame through sifting, estimation, Cascade, verification and privacy
 * amplification (pure core; {@link LinkPostProcessor} drives it step by step). Built from Bob's
 * simulator view only. {@link #toString} shows counts only.
 */
public final class BobFrame {
  /** Most detections one frame may announce: bounds every post-processing message. */
  public static final int MAX_DETECTIONS = 1 << 22;

  private final Bb84LinkEnd end;
  private final long raw;
  private Bb84BobView view;
  private SiftingAnnouncement announcement;
  private final int detections;
  private long leak = -1;
  private SiftedFrame sifted;
  private Estimate estimate;
  private BitString key;
  private long leakEc = -1;
  private int correctedBits;
  private int roundTrips;
  private int tagBits = -1;

  private BobFrame(Bb84LinkEnd end, long raw) {
    this.end = end;
    this.raw = raw;
    this.view = end.simulator().bobView(raw);
    this.announcement = Sifter.announce(view);
    this.detections = announcement.size();
  }

  /** Reads Bob's view of raw frame {@code raw}. */
  public static BobFrame start(Bb84LinkEnd end, long raw) {
    return new BobFrame(Objects.requireNonNull(end, "end"), raw);
  }

  public long raw() {
    return raw;
  }

  public int detections() {
    return detections;
  }

  /** The announcement to send; available until the sifting reply arrives. */
  public SiftingAnnouncement announcement() {
    if (announcement == null) {
      throw new IllegalStateException("raw frame " + raw + " is already sifted");
    }
    return announcement;
  }

  /** Sifts with Alice's reply; returns Bob's disclosed bits for estimation. */
  public org.qkdnet.qnode.postprocessing.sifting.BitString onSiftReply(SiftingReply reply) {
    if (sifted != null) {
      throw new IllegalStateException("raw frame " + raw + " already sifted");
    }
    sifted = Sifter.bob(view, reply);
    view.zeroize();
    view = null;
    announcement = null; // the slots are not needed any more: a held frame keeps only its key
    return sifted.disclosedBits();
  }

  /** Counts from both ends' disclosed bits; the frame continues only if accepted. */
  public Estimate onEstimateReply(EstimateReplyData alice) {
    requireSifted();
    estimate = end.frameCheck().check(raw, FrameStatistics.tally(sifted, alice.disclosed()));
    if (estimate.accepted() && sifted.keyLength() > 0) {
      try (KeyMaterial k = sifted.keyBits()) {
        key = BitString.fromKeyMaterial(k, sifted.keyLength());
      }
    }
    return estimate;
  }

  /** Bob's noisy key for Cascade (a copy). */
  public BitString noisyKey() {
    if (key == null) {
      throw new IllegalStateException("raw frame " + raw + " has no accepted estimate");
    }
    return key.copy();
  }

  /** The QBER the Cascade schedule is sized for. */
  public double qberEstimate() {
    return Math.min(estimate.qber(), 0.49);
  }

  /** Cascade finished: takes the corrected key (ownership) and what it cost. */
  public void onReconciled(BitString corrected, long leakedBits, int rounds, int correctedCount) {
    if (key == null) {
      throw new IllegalStateException("raw frame " + raw + " has no accepted estimate");
    }
    if (corrected.length() != key.length()) {
      throw new IllegalArgumentException("corrected key has " + corrected.length() + " bits, expected " + key.length());
    }
    key.zeroize();
    key = corrected;
    leakEc = leakedBits;
    roundTrips = rounds;
    correctedBits = correctedCount;
  }

  /** Checks Alice's verification tag; false = a residual error, the frame must be dropped. */
  public boolean verify(VerificationTag aliceTag) {
    if (leakEc < 0) {
      throw new IllegalStateException("raw frame " + raw + " is not reconciled");
    }
    tagBits = aliceTag.tagBits();
    boolean ok = FrameVerifier.matches(aliceTag, raw, key);
    leak = Bb84LinkEnd.frameLeakBits(detections, sifted.size(), sifted.disclosedLength(), leakEc, tagBits,
        key.length());
    sifted.zeroize();
    sifted = null; // a held frame keeps only its key, counts and leak
    return ok;
  }

  /** The frame's counts for the block's parameter estimation. */
  public BlockCounts counts() {
    if (estimate == null) {
      throw new IllegalStateException("raw frame " + raw + " is not estimated");
    }
    return estimate.counts();
  }

  /**
   * Everything disclosed about this frame's key, in bits: Cascade parities, the verification tag
   * and the frame's authentication cost (same figure at Alice: she counts the parities she sent).
   */
  public long leakBits() {
    if (leak < 0) {
      throw new IllegalStateException("raw frame " + raw + " is not verified");
    }
    return leak;
  }

  public int keyLength() {
    return key == null ? 0 : key.length();
  }

  /** The reconciled key (not a copy: the block concatenates it, {@link #zeroize} clears it). */
  BitString reconciledKey() {
    if (key == null) {
      throw new IllegalStateException("raw frame " + raw + " has no key");
    }
    return key;
  }

  /** Fraction of key bits Cascade corrected. */
  public double keyQber() {
    return key == null || key.length() == 0 ? 0 : correctedBits / (double) key.length();
  }

  /** Reconciliation efficiency f of this frame (NaN without errors). */
  public double efficiency() {
    return key == null ? Double.NaN : InProcessCascade.efficiency(leakEc, key.length(), correctedBits);
  }

  public int roundTrips() {
    return roundTrips;
  }

  public long leakEc() {
    return leakEc;
  }

  /** For tests: flips one bit of the reconciled key, as a residual error Cascade missed would. */
  void injectResidualError(int position) {
    long[] w = key.copyWords();
    w[position >>> 6] ^= 1L << position;
    BitString flipped = BitString.wrap(w, key.length());
    key.zeroize();
    key = flipped;
  }

  private void requireSifted() {
    if (sifted == null) {
      throw new IllegalStateException("raw frame " + raw + " is not sifted");
    }
  }

  public void zeroize() {
    if (view != null) {
      view.zeroize();
    }
    if (sifted != null) {
      sifted.zeroize();
    }
    if (key != null) {
      key.zeroize();
    }
  }

  @Override
  public String toString() {
    return "BobFrame[raw=" + raw + ", detections=" + detections() + ", key=" + keyLength() + " bits]";
  }
}
