package org.qkdnet.qnode.kme;

/**
 * Per-request limits of the ETSI GS QKD 014 interface. Key sizes are in bits and must be whole
 * bytes, because a key is handed out as bytes.
 *
 * @param maxKeyCount most keys in one enc_keys or dec_keys request ({@code max_key_per_request})
 * @param maxKeySize largest key size in bits
 * @param minKeySize smallest key size in bits
 * @param defaultKeySize key size used when a request names none, and for {@code stored_key_count}
 * @param maxSaeIdCount most {@code additional_slave_SAE_IDs} in one request
 */
public record KmeLimits(
    int maxKeyCount, int maxKeySize, int minKeySize, int defaultKeySize, int maxSaeIdCount) {
  public KmeLimits {
    if (maxKeyCount < 1) {
      throw new IllegalArgumentException("maxKeyCount must be at least 1, was " + maxKeyCount);
    }
    if (minKeySize < 8 || minKeySize % 8 != 0) {
      throw new IllegalArgumentException(
          "minKeySize must be a positive multiple of 8 bits, was " + minKeySize);
    }
    if (maxKeySize < minKeySize || maxKeySize % 8 != 0) {
      throw new IllegalArgumentException(
          "maxKeySize must be a multiple of 8 bits and at least minKeySize, was " + maxKeySize);
    }
    if (defaultKeySize < minKeySize || defaultKeySize > maxKeySize || defaultKeySize % 8 != 0) {
      throw new IllegalArgumentException(
          "defaultKeySize must be a multiple of 8 bits within [minKeySize, maxKeySize], was "
              + defaultKeySize);
    }
    if (maxSaeIdCount < 0) {
      throw new IllegalArgumentException("maxSaeIdCount must not be negative, was " + maxSaeIdCount);
    }
  }
}
