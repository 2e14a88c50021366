package org.qkdnet.qnode.postprocessing.estimation;

/** Shannon's binary entropy, the cost of a bit error rate in key bits. */
public final class BinaryEntropy {
  private static final double LN2 = Math.log(2);

  private BinaryEntropy() {}

  /** H2(x) in bits; 0 outside (0, 1). */
  public static double h2(double x) {
    if (!(x > 0 && x < 1)) {
      return 0;
    }
    return -x * log2(x) - (1 - x) * log2(1 - x);
  }

  static double log2(double x) {
    return Math.log(x) / LN2;
  }
}
