package org.qkdnet.qnode.postprocessing.verification;

import org.qkdnet.qnode.postprocessing.cascade.BitString;

/**
 * Verification of a reconciled frame by a universal hash ({@link Gf64PolynomialHash}, two
 * independent ones for tags above 64 bits): Alice tags her frame, Bob compares with his; a
 * mismatch means a residual error and the frame must be dropped by both ends. The tag's bits count
 * as leaked ({@link #leakBits}); the probability that a differing frame passes is
 * {@code EpsilonBudget.verificationFailure}.
 */
public final class FrameVerifier {
  /** Two 64-bit hashes: eps_cor = 1e-15 holds for blocks of thousands of the largest frames. */
  public static final int DEFAULT_TAG_BITS = 128;

  private FrameVerifier() {}

  /** Alice's side: the tag of her frame under fresh nonzero keys ({@code hashKey2} 0 for t &lt;= 64). */
  public static VerificationTag tag(long frameId, BitString frame, long hashKey, long hashKey2, int tagBits) {
    new VerificationTag(frameId, hashKey, hashKey2, tagBits, 0, 0); // validates before any hashing
    long first = truncate(new Gf64PolynomialHash(hashKey).hash(frame), Math.min(64, tagBits));
    long second = tagBits > 64 ? truncate(new Gf64PolynomialHash(hashKey2).hash(frame), tagBits - 64) : 0;
    return new VerificationTag(frameId, hashKey, hashKey2, tagBits, first, second);
  }

  /** Alice's side with one hash (t &lt;= 64). */
  public static VerificationTag tag(long frameId, BitString frame, long hashKey, int tagBits) {
    return tag(frameId, frame, hashKey, 0, tagBits);
  }

  /** Bob's side: whether his frame hashes to Alice's tag. */
  public static boolean matches(VerificationTag tag, long frameId, BitString frame) {
    if (tag.frameId() != frameId) {
      throw new IllegalArgumentException(
          "verification tag of frame " + tag.frameId() + " checked against frame " + frameId);
    }
    VerificationTag mine = tag(frameId, frame, tag.hashKey(), tag.hashKey2(), tag.tagBits());
    // both halves always compared: no early exit that would depend on the first
    return ((mine.tag() ^ tag.tag()) | (mine.tag2() ^ tag.tag2())) == 0;
  }

  /** Bits of information the tag discloses. */
  public static int leakBits(VerificationTag tag) {
    return tag.tagBits();
  }

  private static long truncate(long h, int bits) {
    return bits == 64 ? h : h & ((1L << bits) - 1);
  }
}
