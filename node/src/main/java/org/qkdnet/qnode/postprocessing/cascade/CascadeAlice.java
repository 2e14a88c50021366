package org.qkdnet.qnode.postprocessing.cascade;

import java.util.Arrays;

/**
 * Alice's end of Cascade for one frame: holds her sifted key and only answers parity questions.
 *
 * <p>She keeps no protocol state beyond the per-pass permuted copies of her key, so she answers
 * whatever Bob asks, but she counts every bit she discloses ({@link #disclosedBits()}): that,
 * not Bob's word, is what privacy amplification must subtract. Rounds must arrive in order;
 * a repeat of the last round (a transport retry) gets the same answer and is not counted twice.
 */
public final class CascadeAlice {
  /** Passes are numbered below this; more than any schedule uses. */
  public static final int MAX_PASSES = 64;

  private final long frameId;
  private final long seed;
  private final int paddedBits;
  private final long[] key;
  private final long[][] permuted = new long[MAX_PASSES][];
  private long disclosed;
  private int lastRound;
  private ParityQuestions lastQuestions;
  private ParityAnswers lastAnswers;

  /**
   * @param key Alice's sifted frame (copied)
   * @param permutationSeed the public seed both ends agreed for this link
   */
  public CascadeAlice(long frameId, BitString key, long permutationSeed) {
    this.frameId = frameId;
    this.seed = permutationSeed;
    this.paddedBits = FrameLayout.paddedBits(key.length());
    this.key = FrameLayout.padded(key);
  }

  public long frameId() {
    return frameId;
  }

  /** Parity bits disclosed so far. */
  public long disclosedBits() {
    return disclosed;
  }

  /** Rounds answered so far. */
  public int rounds() {
    return lastRound;
  }

  /**
   * Answers one round. A malformed or out-of-order question is refused with an
   * {@link IllegalArgumentException} and changes nothing.
   */
  public ParityAnswers answer(ParityQuestions q) {
    if (q.frameId() != frameId) {
      throw new IllegalArgumentException(
          "parity questions for frame " + q.frameId() + " sent to frame " + frameId);
    }
    if (q.round() == lastRound && lastQuestions != null && lastQuestions.equals(q)) {
      return lastAnswers;
    }
    if (q.round() != lastRound + 1) {
      throw new IllegalArgumentException("frame " + frameId + " expected round "
          + (lastRound + 1) + ", got " + q.round());
    }
    long count = validate(q);
    long[] out = new long[BitString.wordsFor((int) count)];
    int bit = 0;
    int[] starts = q.passStarts();
    for (int i = 0; i < starts.length; i += 2) {
      long[] p = permutedKey(starts[i]);
      int k = starts[i + 1];
      for (int s = 0; s < paddedBits; s += k) {
        if (BitString.parity(p, s, Math.min(s + k, paddedBits)) != 0) {
          out[bit >>> 6] |= 1L << bit;
        }
        bit++;
      }
    }
    int[] r = q.ranges();
    for (int i = 0; i < r.length; i += 3) {
      if (BitString.parity(permutedKey(r[i]), r[i + 1], r[i + 2]) != 0) {
        out[bit >>> 6] |= 1L << bit;
      }
      bit++;
    }
    ParityAnswers a = new ParityAnswers(frameId, q.round(), (int) count, out);
    disclosed += count;
    lastRound = q.round();
    lastQuestions = q;
    lastAnswers = a;
    return a;
  }

  /** Forgets the key material. */
  public void zeroize() {
    Arrays.fill(key, 0L);
    for (long[] p : permuted) {
      if (p != null) {
        Arrays.fill(p, 0L);
      }
    }
  }

  private long validate(ParityQuestions q) {
    long count = 0;
    int[] starts = q.passStarts();
    for (int i = 0; i < starts.length; i += 2) {
      checkPass(starts[i]);
      int k = starts[i + 1];
      if (k < 1 || k > paddedBits) {
        throw new IllegalArgumentException("block size " + k + " of pass " + starts[i]
            + " outside [1, " + paddedBits + "]");
      }
      count += (paddedBits + (long) k - 1) / k;
    }
    int[] r = q.ranges();
    for (int i = 0; i < r.length; i += 3) {
      checkPass(r[i]);
      if (r[i + 1] < 0 || r[i + 1] >= r[i + 2] || r[i + 2] > paddedBits) {
        throw new IllegalArgumentException("range [" + r[i + 1] + ", " + r[i + 2] + ") of pass "
            + r[i] + " is empty or outside [0, " + paddedBits + ")");
      }
    }
    count += r.length / 3;
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("round asks for " + count + " parities; too many");
    }
    return count;
  }

  private static void checkPass(int pass) {
    if (pass < 0 || pass >= MAX_PASSES) {
      throw new IllegalArgumentException(
          "pass " + pass + " outside [0, " + MAX_PASSES + ")");
    }
  }

  private long[] permutedKey(int pass) {
    long[] p = permuted[pass];
    if (p == null) {
      p = new long[key.length];
      PassPermutation.of(seed, frameId, pass, paddedBits).apply(key, p);
      permuted[pass] = p;
    }
    return p;
  }
}
