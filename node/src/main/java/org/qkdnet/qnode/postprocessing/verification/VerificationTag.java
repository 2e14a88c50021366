package org.qkdnet.qnode.postprocessing.verification;

/**
 * What Alice sends Bob to verify one reconciled frame. Public: the keys are drawn after Cascade,
 * the tag's {@code tagBits} count as leaked. Up to 64 bits the tag is the low bits of one
 * GF(2^64) polynomial hash; above, a second hash under an independent key supplies the other
 * {@code tagBits - 64} bits, so a differing frame passes with probability at most the product
 * of the two hashes' collision probabilities.
 *
 * @param hashKey nonzero GF(2^64) key from fresh randomness
 * @param hashKey2 the second hash's nonzero key when {@code tagBits > 64}, else 0
 * @param tagBits tag length t in [1, 128]
 * @param tag the low min(t, 64) bits of the first hash
 * @param tag2 the low t - 64 bits of the second hash (0 when t &lt;= 64)
 */
public record VerificationTag(long frameId, long hashKey, long hashKey2, int tagBits, long tag, long tag2) {
  public static final int MAX_BITS = 128;

  public VerificationTag {
    if (tagBits < 1 || tagBits > MAX_BITS) {
      throw new IllegalArgumentException("tag length must be in [1, 128] bits, got " + tagBits);
    }
    if (hashKey == 0) {
      throw new IllegalArgumentException("verification hash key must be nonzero");
    }
    if (tagBits > 64 && hashKey2 == 0) {
      throw new IllegalArgumentException("a tag above 64 bits needs a nonzero second hash key");
    }
    if (tagBits <= 64 && (hashKey2 != 0 || tag2 != 0)) {
      throw new IllegalArgumentException("a tag of at most 64 bits has no second hash");
    }
    int first = Math.min(64, tagBits);
    if (first < 64 && (tag >>> first) != 0) {
      throw new IllegalArgumentException("tag has bits set beyond its " + tagBits + "-bit length");
    }
    int second = tagBits - 64;
    if (second > 0 && second < 64 && (tag2 >>> second) != 0) {
      throw new IllegalArgumentException("second tag has bits set beyond its " + second + "-bit length");
    }
  }
}
