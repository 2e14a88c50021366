package org.qkdnet.qnode.device.sim;

/**
 * Draws the gap before the next success of independent Bernoulli(p) trials, Geometric(p), from
 * {@link #U_BITS} uniform bits by table inversion: a guide table indexed by the top bits of u
 * lands on (or just before) the answer, so a draw is one or two table reads and no logarithm.
 * The table covers gaps below {@link #tableSize()}; a draw in the remaining tail means "no
 * success in the next tableSize() trials", after which, the process being memoryless, the
 * caller simply draws again.
 */
final class GapSampler {
  static final int U_BITS = 20;
  private static final int GUIDE_BITS = 14;
  private static final int MAX_TABLE = (1 << 16) - 1; // guide entries are chars
  private static final int ONE = 1 << U_BITS;

  // upper[g]: draws u < upper[g] give a gap <= g (scaled CDF); upper[tableSize] is a sentinel.
  private final int[] upper;
  private final char[] guide = new char[1 << GUIDE_BITS];
  private final int tableSize;

  GapSampler(double p) {
    if (!(p > 0 && p <= 1)) {
      throw new IllegalArgumentException("success probability must be in (0, 1], got " + p);
    }
    int[] u = new int[MAX_TABLE + 1];
    double logQ = Math.log1p(-p);
    int size = MAX_TABLE;
    for (int g = 0; g < MAX_TABLE; g++) {
      double cdf = p == 1 ? 1 : -Math.expm1((g + 1) * logQ);
      u[g] = (int) Math.min(ONE, Math.round(cdf * ONE));
      if (u[g] == ONE) {
        size = g + 1;
        break;
      }
    }
    tableSize = size;
    u[size] = Integer.MAX_VALUE;
    upper = java.util.Arrays.copyOf(u, size + 1);
    int g = 0;
    for (int i = 0; i < guide.length; i++) {
      int lowest = i << (U_BITS - GUIDE_BITS);
      while (upper[g] <= lowest) {
        g++;
      }
      guide[i] = (char) g;
    }
  }

  /** Gaps this table covers; a draw that returns it means "tableSize trials without success". */
  int tableSize() {
    return tableSize;
  }

  /** The gap for uniform {@code u} in [0, 2^U_BITS). */
  int gap(int u) {
    int g = guide[u >>> (U_BITS - GUIDE_BITS)];
    while (u >= upper[g]) {
      g++;
    }
    return g;
  }
}
