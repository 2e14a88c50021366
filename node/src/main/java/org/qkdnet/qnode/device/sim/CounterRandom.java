package org.qkdnet.qnode.device.sim;

/**
 * Counter-based randomness: value i of a stream is a pure function of (key, i), so either end
 * of a link can recompute any value of a frame's stream without generating the ones before it.
 * The mixing function is the SplitMix64 finalizer (Steele, Lea, Flood, OOPSLA 2014), the same
 * one behind {@link java.util.SplittableRandom}.
 */
final class CounterRandom {
  static final long GAMMA = 0x9E3779B97F4A7C15L;

  // Domain separation: Alice's preparation and the channel (Bob's detections) are independent
  // streams of one frame, derived from the same link seed.
  static final long ALICE_DOMAIN = 0x416c696365L;
  static final long CHANNEL_DOMAIN = 0x4368616e6eL;
  static final long DARK_DOMAIN = 0x4461726b00L;

  private CounterRandom() {}

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Value {@code index} of stream {@code key}. XOR (not add) of the scaled index keeps the streams
   * of two frames from being shifted copies of each other, which adding would make them whenever
   * their keys differ by a small multiple of GAMMA.
   */
  static long at(long key, long index) {
    return mix64(key ^ (index * GAMMA));
  }

  /** Most values {@link #fill} computes at once. */
  static final int FILL_MAX = 4096;
  // STEP[i] = i * GAMMA: the index scaled as a table read, not an int-to-long conversion, so
  // that fill's loop is plain long arithmetic, which the JIT turns into SIMD code.
  private static final long[] STEP = new long[FILL_MAX];

  static {
    for (int i = 0; i < FILL_MAX; i++) {
      STEP[i] = i * GAMMA;
    }
  }

  /** Values {@code first} .. {@code first + out.length - 1} of stream {@code key}, as {@link #at}. */
  static void fill(long key, long first, long[] out) {
    if (out.length > FILL_MAX) {
      throw new IllegalArgumentException("at most " + FILL_MAX + " values, got " + out.length);
    }
    // (first + i) * GAMMA = first * GAMMA + i * GAMMA, modulo 2^64.
    long base = first * GAMMA;
    final long[] step = STEP;
    for (int i = 0; i < out.length; i++) {
      out[i] = mix64(key ^ (base + step[i]));
    }
  }

  /** Key of one frame's stream in one domain. */
  static long frameKey(long linkSeed, long frame, long domain) {
    return mix64(mix64(linkSeed ^ mix64(domain)) + (frame + 1) * GAMMA);
  }
}
