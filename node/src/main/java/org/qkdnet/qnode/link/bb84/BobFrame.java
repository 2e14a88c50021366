package org.qkdnet.qnode.link.bb84;

import java.util.Objects;
import org.qkdnet.qnode.device.sim.Bb84BobView;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.postprocessing.amplification.ToeplitzHash;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.InProcessCascade;
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
  private final SiftingAnnouncement announcement;
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
  }

  /** Reads Bob's view of raw frame {@code raw}. */
  public static BobFrame start(Bb84LinkEnd end, long raw) {
    return new BobFrame(Objects.requireNonNull(end, "end"), raw);
  }

  public long raw() {
    return raw;
  }

  public int detections() {
    return announcement.size();
  }

  public SiftingAnnouncement announcement() {
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
    return sifted.disclosedBits();
  }

  /** Estimates from both ends' disclosed bits; the frame continues only if accepted. */
  public Estimate onEstimateReply(EstimateReplyData alice) {
    requireSifted();
    FrameStatistics stats = FrameStatistics.tally(sifted, alice.disclosed(), alice.sent(),
        end.settings().params().basisMatchProbability());
    estimate = end.estimator().estimate(stats);
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
  public boolean verify(long hashKey, int bits, long aliceTag) {
    if (leakEc < 0) {
      throw new IllegalStateException("raw frame " + raw + " is not reconciled");
    }
    tagBits = bits;
    return FrameVerifier.matches(new VerificationTag(raw, hashKey, bits, aliceTag), raw, key);
  }

  /** Secure length in whole bytes (0 = nothing to keep). */
  public long secureLength() {
    if (tagBits < 0) {
      throw new IllegalStateException("raw frame " + raw + " is not verified");
    }
    return Bb84LinkEnd.roundToBytes(estimate.secureLength(leakEc, tagBits, end.settings().authBitsPerFrame(),
        end.settings().epsPa()));
  }

  public int keyLength() {
    return key == null ? 0 : key.length();
  }

  /** Privacy amplification of the reconciled key down to {@code bits}; the caller owns the result. */
  public KeyMaterial amplify(BitString seed, int bits) {
    BitString out = ToeplitzHash.hash(key, seed, bits);
    try {
      return out.toKeyMaterial();
    } finally {
      out.zeroize();
    }
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
