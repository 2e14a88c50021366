package org.qkdnet.qnode.postprocessing.cascade;

/**
 * Cascade block-size schedules.
 *
 * <p>References: G. Brassard, L. Salvail, "Secret-key reconciliation by public discussion",
 * EUROCRYPT '93, LNCS 765 (1994) for {@link #ORIGINAL}; J. Martinez-Mateo, C. Pacher, M. Peev,
 * A. Ciurana, V. Martin, "Demystifying the information reconciliation protocol Cascade",
 * Quantum Inf. Comput. 15 (2015) 453–477 (arXiv:1407.3257) for the optimized schedules
 * {@link #YANETAL} (their "Cascade opt. (2)", after H. Yan et al.) and {@link #OPTION7} ("Cascade
 * opt. (7)"). Pass numbers are 1-based here; the QBER is clamped below at 1e-5.
 */
public enum CascadeVariant {
  /** k1 = ⌈0.73/p⌉, k_i = 2·k_{i-1}, 4 passes. */
  ORIGINAL(4),
  /** k1 = ⌈0.8/p⌉, k2 = 5·k1, then n/2; 14 passes. */
  YANETAL(14),
  /** k1 = 2^⌈log2(1/p)⌉, k2 = 4·k1, then n/2; 14 passes. */
  OPTION7(14);

  private static final double MIN_QBER = 1e-5;

  private final int passes;

  CascadeVariant(int passes) {
    this.passes = passes;
  }

  public int passes() {
    return passes;
  }

  /**
   * Block size of pass {@code pass} (1-based) for a frame of {@code n} bits at estimated error
   * rate {@code qber}, capped at {@code n} and at least 1.
   */
  public int blockSize(int pass, double qber, int n) {
    if (pass < 1 || pass > passes) {
      throw new IllegalArgumentException(
          "pass must be in [1, " + passes + "] for " + this + ", got " + pass);
    }
    if (!(qber >= 0 && qber < 0.5)) {
      throw new IllegalArgumentException("qber must be in [0, 0.5), got " + qber);
    }
    if (n <= 0) {
      throw new IllegalArgumentException("frame length must be > 0, got " + n);
    }
    double p = Math.max(qber, MIN_QBER);
    long k;
    switch (this) {
      case ORIGINAL:
        k = (long) Math.ceil(0.73 / p) << (pass - 1);
        break;
      case YANETAL:
        k = pass == 1 ? (long) Math.ceil(0.8 / p) : pass == 2 ? 5 * (long) Math.ceil(0.8 / p) : n / 2;
        break;
      case OPTION7: {
        long k1 = 1L << (long) Math.ceil(Math.log(1 / p) / Math.log(2) - 1e-9);
        k = pass == 1 ? k1 : pass == 2 ? 4 * k1 : n / 2;
        break;
      }
      default:
        throw new AssertionError(this);
    }
    return (int) Math.max(1, Math.min(k, n));
  }

  /** Parses a variant name, case-insensitively ("yanetal", "option7", "original"). */
  public static CascadeVariant parse(String name) {
    for (CascadeVariant v : values()) {
      if (v.name().equalsIgnoreCase(name)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown Cascade variant '" + name
        + "'; expected one of original, yanetal, option7");
  }
}
