package org.qkdnet.qnode.postprocessing.estimation;

/**
 * The composable security parameters of one block (Lim, Curty, Walenta, Xu, Zbinden, PRA 89,
 * 022307 (2014), "Concise security bounds for practical decoy-state QKD"): the key of a block is
 * {@code epsCor}-correct and {@code epsSec}-secret, so {@code epsCor + epsSec}-secure.
 *
 * <p>How {@code epsSec} splits (Lim et al., Appendix): 21 terms of {@code epsSec / 21} each;
 * eleven bound the statistical fluctuations of parameter estimation (the Hoeffding terms of the
 * six decoy-state counts of the key basis, their analogues in the test basis and the random
 * sampling of the phase error), the others are the smoothing parameter and privacy
 * amplification's leftover-hash term. This is why {@code 21/epsSec} appears in every deviation
 * term and {@code 6 log2(21/epsSec)} in the key length.
 *
 * <p>{@code epsCor} is the probability that the two ends' keys differ although the verification
 * passed. Each frame is verified with a tag of {@code t} bits of an ε-almost-universal hash over at
 * most {@code L} 64-bit words, which fails with probability {@code <= (L+1)/2^64} per 64-bit
 * hash; a block of at most {@code F} frames is correct unless one of them fails:
 * {@link #checkVerification} enforces {@code F * failure <= epsCor}.
 *
 * <p>Over a link's lifetime the parameters add up: by composability, a link that produced
 * {@code B} blocks is {@code B (epsSec + epsCor)}-secure (for example 1e-10 per block and one
 * block per second: about 3e-3 after a year; operators who need a smaller total choose smaller
 * parameters, which costs {@code 6 log2} bits per halving per block).
 */
public record EpsilonBudget(double epsSec, double epsCor) {
  /** Terms the secrecy parameter is split into (Lim et al. 2014). */
  public static final int SECRECY_TERMS = 21;

  public static final EpsilonBudget DEFAULTS = new EpsilonBudget(1e-10, 1e-15);

  public EpsilonBudget {
    if (!(epsSec > 0 && epsSec < 1)) {
      throw new IllegalArgumentException("eps-sec must be in (0, 1), got " + epsSec);
    }
    if (!(epsCor > 0 && epsCor < 1)) {
      throw new IllegalArgumentException("eps-cor must be in (0, 1), got " + epsCor);
    }
  }

  /** Each of the 21 terms. */
  public double term() {
    return epsSec / SECRECY_TERMS;
  }

  /** ln(21/epsSec): the logarithm in every Hoeffding deviation. */
  public double lnTerms() {
    return Math.log(SECRECY_TERMS / epsSec);
  }

  /** 6 log2(21/epsSec) + log2(2/epsCor): what the key length pays for the two parameters. */
  public double costBits() {
    return 6 * BinaryEntropy.log2(SECRECY_TERMS / epsSec) + BinaryEntropy.log2(2 / epsCor);
  }

  /**
   * Probability that a frame of at most {@code maxWords} 64-bit words passes a verification of
   * {@code tagBits} (1..128: one GF(2^64) polynomial hash up to 64 bits, two independent ones
   * above) although it differs.
   */
  public static double verificationFailure(int tagBits, long maxWords) {
    if (tagBits < 1 || tagBits > 128) {
      throw new IllegalArgumentException("tag bits must be in 1..128, got " + tagBits);
    }
    double perHash = Math.min(1, (maxWords + 1) / Math.pow(2, 64));
    if (tagBits <= 64) {
      return Math.min(1, Math.max(perHash, Math.pow(2, -tagBits)));
    }
    double second = Math.max(perHash, Math.pow(2, -(tagBits - 64)));
    return Math.min(1, perHash * second);
  }

  /**
   * Throws unless a block of at most {@code maxFrames} frames, each of at most {@code maxWords}
   * words and verified with {@code tagBits}, is {@code epsCor}-correct.
   */
  public void checkVerification(int tagBits, long maxWords, long maxFrames) {
    double failure = maxFrames * verificationFailure(tagBits, maxWords);
    if (failure > epsCor) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "a verification tag of %d bits fails with probability up to %.3g per block of %d frames,"
              + " above eps-cor %.3g: use more tag bits or a larger eps-cor", tagBits, failure, maxFrames, epsCor));
    }
  }
}
