package org.qkdnet.qnode.device.sim;

import org.qkdnet.qnode.postprocessing.estimation.AuthenticationCost;
import org.qkdnet.qnode.postprocessing.estimation.BinaryEntropy;
import org.qkdnet.qnode.postprocessing.estimation.BlockCounts;
import org.qkdnet.qnode.postprocessing.estimation.EpsilonBudget;
import org.qkdnet.qnode.postprocessing.estimation.FiniteKeyBound;
import org.qkdnet.qnode.postprocessing.estimation.PerClass;

/**
 * The secure key rate of a bb84-sim link as the finite-key bound ({@link FiniteKeyBound}) gives
 * it at the expected counts of a block: what the simulator and the post-processing should yield
 * on average, and what {@code finished-key-sim} delivers. The expected counts follow the
 * simulator's model exactly (photon click 1 - exp(-eta mu_k), dark count Y0 in the other slots,
 * a wrong bit with probability e_d of the basis after a photon click and 1/2 after a dark count
 * alone); error correction is charged f H2(E_Z) per key bit plus each frame's verification tag
 * and authentication cost.
 */
public final class FiniteKeyRate {
  private FiniteKeyRate() {}

  /** The expected block: counts, its key-basis error rate, pulses and frames. */
  public record ExpectedBlock(BlockCounts counts, double keyErrorRate, double pulses, long frames) {}

  /** Probability that a class-k pulse clicks. */
  static double click(Bb84Parameters p, double eta, Intensity k, double y0) {
    double photon = -Math.expm1(-eta * p.intensity(k));
    return photon + (1 - photon) * y0;
  }

  /** Probability that a class-k pulse clicks with a wrong bit in matching bases. */
  static double wrong(Bb84Parameters p, double eta, Intensity k, double y0, double misalignment) {
    double photon = -Math.expm1(-eta * p.intensity(k));
    return 0.5 * (1 - photon) * y0 + misalignment * photon;
  }

  /** Sifted Z-basis (raw key) bits per pulse. */
  public static double keyBitsPerPulse(Bb84Parameters p, double km) {
    double eta = p.transmittance(km);
    double y0 = p.effectiveDarkCountProbability(km);
    double pz2 = p.zBasisProbability() * p.zBasisProbability();
    double sum = 0;
    for (Intensity k : Intensity.values()) {
      sum += p.probability(k) * pz2 * click(p, eta, k, y0);
    }
    return sum;
  }

  /** The expected counts of a block of {@code blockBits} raw key bits over {@code km}. */
  public static ExpectedBlock expected(Bb84Parameters p, double km, long blockBits) {
    double eta = p.transmittance(km);
    double y0 = p.effectiveDarkCountProbability(km);
    double pulses = blockBits / keyBitsPerPulse(p, km);
    double pz2 = p.zBasisProbability() * p.zBasisProbability();
    double px2 = (1 - p.zBasisProbability()) * (1 - p.zBasisProbability());
    long[] z = new long[3];
    long[] x = new long[3];
    long[] ex = new long[3];
    double zErrors = 0;
    for (Intensity k : Intensity.values()) {
      int i = k.ordinal();
      double n = pulses * p.probability(k);
      z[i] = Math.round(n * pz2 * click(p, eta, k, y0));
      x[i] = Math.round(n * px2 * click(p, eta, k, y0));
      ex[i] = Math.min(x[i], Math.round(n * px2 * wrong(p, eta, k, y0, p.misalignmentErrorX())));
      zErrors += n * pz2 * wrong(p, eta, k, y0, p.misalignmentError());
    }
    long frames = (long) Math.ceil(pulses / p.frameSlots());
    BlockCounts c = new BlockCounts(PerClass.of(z), PerClass.of(x), PerClass.of(ex), frames);
    return new ExpectedBlock(c, zErrors / Math.max(1, c.keyBits()), pulses, frames);
  }

  /**
   * Bits disclosed about a block's key: error correction at efficiency {@code f}, and per frame a
   * verification tag of {@code tagBits} and the authentication cost of its transcript.
   */
  public static double leakBits(ExpectedBlock b, double f, int tagBits) {
    long perFrameKey = b.counts().keyBits() / Math.max(1, b.frames());
    long perFrameLeakEc = (long) Math.ceil(f * BinaryEntropy.h2(b.keyErrorRate()) * perFrameKey);
    long perFrameDetections = (long) (perFrameKey + b.counts().xDetections().total() / Math.max(1, b.frames()));
    long disclosed = b.counts().xDetections().total() / Math.max(1, b.frames());
    long auth = AuthenticationCost.frameBits(perFrameDetections * 2, perFrameDetections, disclosed, perFrameLeakEc,
        perFrameKey);
    return f * BinaryEntropy.h2(b.keyErrorRate()) * b.counts().keyBits() + b.frames() * (double) (tagBits + auth);
  }

  /** The finite-key bound at the expected counts of a block. */
  public static FiniteKeyBound.Result block(Bb84Parameters p, double km, long blockBits, double f, int tagBits,
      EpsilonBudget eps) {
    ExpectedBlock b = expected(p, km, blockBits);
    return p.finiteKeyBound(eps).evaluate(b.counts(), leakBits(b, f, tagBits));
  }

  /** Secure bits per second of the link at its pulse rate (0 where a block yields no key). */
  public static double secureBitsPerSecond(Bb84Parameters p, double km, long blockBits, double f, int tagBits,
      EpsilonBudget eps) {
    ExpectedBlock b = expected(p, km, blockBits);
    long bits = p.finiteKeyBound(eps).evaluate(b.counts(), leakBits(b, f, tagBits)).secureBits();
    return bits / (b.pulses() / p.pulseRateHz());
  }

  /**
   * The asymptotic rate (infinitely many decoys and pulses, reference only): per pulse
   * pZ^2 sum_k p_k [ Y0 e^-mu_k + Y1 mu_k e^-mu_k (1 - H2(e1^X)) - f Q_k H2(E_k^Z) ] with
   * Y1 = Y0 + eta (1 - Y0) and e1^X = (Y0/2 + e_d^X eta) / Y1.
   */
  public static double asymptoticBitsPerSecond(Bb84Parameters p, double km, double f) {
    double eta = p.transmittance(km);
    double y0 = p.effectiveDarkCountProbability(km);
    double y1 = y0 + eta * (1 - y0);
    double e1 = Math.min(0.5, (0.5 * y0 + p.misalignmentErrorX() * eta) / y1);
    double pz2 = p.zBasisProbability() * p.zBasisProbability();
    double perPulse = 0;
    for (Intensity k : Intensity.values()) {
      double mu = p.intensity(k);
      double q = click(p, eta, k, y0);
      double e = wrong(p, eta, k, y0, p.misalignmentError()) / q;
      perPulse += p.probability(k) * pz2 * (y0 * Math.exp(-mu) + y1 * mu * Math.exp(-mu) * (1 - BinaryEntropy.h2(e1))
          - f * q * BinaryEntropy.h2(e));
    }
    return Math.max(0, perPulse * p.pulseRateHz());
  }

}
