package org.qkdnet.qnode.postprocessing.verification;

import org.qkdnet.qnode.postprocessing.cascade.BitString;

/**
 * Verification of a reconciled frame by a universal hash ({@link Gf64PolynomialHash}): Alice
 * tags her frame, Bob compares with his; a mismatch means a residual error and the frame must
 * be dropped by both ends. The tag's bits count as leaked ({@link #leakBits}).
 */
public final class FrameVerifier {
  public static final int DEFAULT_TAG_BITS = 64;

  private FrameVerifier() {}

  /** Alice's side: the tag of her frame under a fresh nonzero key. */
  public static VerificationTag tag(long frameId, BitString frame, long hashKey, int tagBits) {
    VerificationTag unchecked = new VerificationTag(frameId, hashKey, tagBits, 0);
    return new VerificationTag(frameId, hashKey, tagBits,
        truncate(new Gf64PolynomialHash(unchecked.hashKey()).hash(frame), tagBits));
  }

  /** Bob's side: whether his frame hashes to Alice's tag. */
  public static boolean matches(VerificationTag tag, long frameId, BitString frame) {
    if (tag.frameId() != frameId) {
      throw new IllegalArgumentException(
          "verification tag of frame " + tag.frameId() + " checked against frame " + frameId);
    }
    long mine = truncate(new Gf64PolynomialHash(tag.hashKey()).hash(frame), tag.tagBits());
    return mine == tag.tag();
  }

  /** Bits of information the tag discloses. */
  public static int leakBits(VerificationTag tag) {
    return tag.tagBits();
  }

  private static long truncate(long h, int bits) {
    return bits == 64 ? h : h & ((1L << bits) - 1);
  }
}
