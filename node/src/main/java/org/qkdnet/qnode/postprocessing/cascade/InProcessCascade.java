package org.qkdnet.qnode.postprocessing.cascade;

import java.util.Optional;

/**
 * Runs one frame's Cascade between an Alice and a Bob in the same process, each message
 * encoded to bytes and decoded again so message sizes are real. For benchmarks and tests; a
 * station uses the same records over its link transport.
 */
public final class InProcessCascade {
  private InProcessCascade() {}

  /** What one reconciled frame cost. */
  public record Result(long leakedBits, int roundTrips, long questionBytes, long answerBytes,
      int correctedBits) {}

  public static Result run(CascadeAlice alice, CascadeBob bob) {
    long qBytes = 0;
    long aBytes = 0;
    Optional<ParityQuestions> q = Optional.of(bob.start());
    while (q.isPresent()) {
      byte[] qb = CascadeCodec.encode(q.get());
      qBytes += qb.length;
      byte[] ab = CascadeCodec.encode(alice.answer(CascadeCodec.decodeQuestions(qb)));
      aBytes += ab.length;
      q = bob.onAnswers(CascadeCodec.decodeAnswers(ab));
    }
    return new Result(bob.leakedBits(), bob.roundTrips(), qBytes, aBytes, bob.correctedBits());
  }

  /** Binary entropy in bits. */
  public static double h2(double p) {
    if (p <= 0 || p >= 1) {
      return 0;
    }
    return -p * Math.log(p) / Math.log(2) - (1 - p) * Math.log(1 - p) / Math.log(2);
  }

  /** Reconciliation efficiency: leak over the Shannon limit n·h2(p). */
  public static double efficiency(long leakedBits, int n, int errors) {
    double h = h2(errors / (double) n);
    return h == 0 ? Double.NaN : leakedBits / (n * h);
  }

  /** A uniformly random frame of {@code n} bits. */
  public static BitString randomFrame(int n, SplitMix64 rng) {
    long[] w = new long[BitString.wordsFor(n)];
    for (int i = 0; i < w.length; i++) {
      w[i] = rng.nextLong();
    }
    return BitString.wrap(w, n);
  }

  /** {@code frame} with each bit flipped independently with probability {@code qber}. */
  public static BitString withErrors(BitString frame, double qber, SplitMix64 rng) {
    long[] w = frame.copyWords();
    long threshold = (long) (qber * 0x1p53);
    for (int i = 0; i < frame.length(); i++) {
      if ((rng.nextLong() >>> 11) < threshold) {
        w[i >>> 6] ^= 1L << i;
      }
    }
    return BitString.wrap(w, frame.length());
  }
}
