package org.qkdnet.qnode.postprocessing.estimation;

/**
 * The authentication key one frame's post-processing costs, charged to the key it yields (Fung,
 * Ma and Chau, "Practical issues in quantum-key-distribution postprocessing", PRA 81, 012318
 * (2010)): each direction's messages of a frame are authenticated by one Wegman–Carter tag over
 * the whole transcript, an ε-almost-universal polynomial hash over GF(2^64) whose value is
 * encrypted with fresh key (the hash key itself may be reused). A forgery succeeds with
 * probability at most (words + 1) / 2^64 per tag, so a tag of {@code 64 + ceil(log2(words + 1))}
 * bits keeps it at 2^-64 whatever the frame's size.
 *
 * <p>The LinkService channel is protected by mutual TLS today; charging this cost keeps the secure
 * length honest for a channel authenticated information-theoretically.
 */
public final class AuthenticationCost {
  private AuthenticationCost() {}

  /** Bits of one tag over a message of {@code messageBits}. */
  public static long tagBits(long messageBits) {
    if (messageBits < 0) {
      throw new IllegalArgumentException("message bits must be >= 0, got " + messageBits);
    }
    long words = (messageBits + 63) / 64;
    return 64 + (64 - Long.numberOfLeadingZeros(words)); // 64 + ceil(log2(words + 1))
  }

  /**
   * Bits of one frame's transcript, both directions together (an upper bound): Bob's announcement
   * (slot and basis per detection), Alice's match mask and classes, both ends' disclosed bits, the
   * Cascade questions (at most 64 bits per parity asked) and answers, the verification keys and
   * tags, and the privacy amplification seed.
   */
  public static long transcriptBits(long detections, long sifted, long disclosed, long leakEc, long keyBits) {
    if (detections < 0 || sifted < 0 || disclosed < 0 || leakEc < 0 || keyBits < 0) {
      throw new IllegalArgumentException("counts must be >= 0");
    }
    return 33 * detections + detections + 8 * sifted + 2 * disclosed + 65 * leakEc + 512 + 2 * keyBits;
  }

  /** The frame's cost: one tag per direction over its transcript. */
  public static long frameBits(long detections, long sifted, long disclosed, long leakEc, long keyBits) {
    return 2 * tagBits(transcriptBits(detections, sifted, disclosed, leakEc, keyBits));
  }
}
