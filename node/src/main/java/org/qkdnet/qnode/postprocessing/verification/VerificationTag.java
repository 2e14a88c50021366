package org.qkdnet.qnode.postprocessing.verification;

/**
 * What Alice sends Bob to verify one reconciled frame. Public: the key is drawn after Cascade,
 * the tag's {@code tagBits} count as leaked.
 *
 * @param hashKey nonzero GF(2^64) key from shared randomness
 * @param tagBits tag length t in [1, 64]
 * @param tag the low t bits of the hash
 */
public record VerificationTag(long frameId, long hashKey, int tagBits, long tag) {
  public VerificationTag {
    if (tagBits < 1 || tagBits > 64) {
      throw new IllegalArgumentException("tag length must be in [1, 64] bits, got " + tagBits);
    }
    if (hashKey == 0) {
      throw new IllegalArgumentException("verification hash key must be nonzero");
    }
    if (tagBits < 64 && (tag >>> tagBits) != 0) {
      throw new IllegalArgumentException("tag has bits set beyond its " + tagBits + "-bit length");
    }
  }
}
