package org.qkdnet.qnode.postprocessing.estimation;

import java.util.Locale;
import java.util.Optional;

/**
 * The composable finite-key length of decoy-state BB84 with one signal, one weak decoy and the
 * vacuum class, after Lim, Curty, Walenta, Xu and Zbinden, "Concise security bounds for practical
 * decoy-state quantum key distribution", PRA 89, 022307 (2014), arXiv:1311.7129. Valid against
 * general (coherent) attacks; the estimation uses Hoeffding's inequality on every observed count
 * and a random-sampling bound from the test basis to the key basis.
 *
 * <p>The paper's key basis is X and its test basis Z; here the key basis is Z and the test basis
 * X, so every "X" of the paper reads "Z" below and vice versa. Intensities mu1 &gt; mu2 + mu3,
 * mu2 &gt; mu3 &gt;= 0 (signal, weak decoy, vacuum) chosen with probabilities p1, p2, p3.
 * <pre>
 *   tau_n = sum_k p_k e^-mu_k mu_k^n / n!                                         (n-photon probability)
 *   n_k^(+/-) = e^mu_k / p_k * ( n_k +/- sqrt( n/2 * ln(21/eps_sec) ) ),  n = sum_k n_k   (Hoeffding)
 *   s_0 &gt;= tau_0 ( mu2 n_3^- - mu3 n_2^+ ) / ( mu2 - mu3 )                                 eq. (2)
 *   s_1 &gt;= tau_1 mu1 [ n_2^- - n_3^+ - (mu2^2 - mu3^2)/mu1^2 ( n_1^+ - s_0/tau_0 ) ]
 *          / [ mu1 (mu2 - mu3) - mu2^2 + mu3^2 ]                                          eq. (3)
 *   v_1 (test basis) &lt;= tau_1 ( m_2^+ - m_3^- ) / ( mu2 - mu3 )                           eq. (4)
 *   phi (key basis)  &lt;= v_1/s_1^test + gamma( eps_sec, v_1/s_1^test, s_1^test, s_1^key )   eq. (5)
 *   gamma(a, b, c, d) = sqrt( (c+d)(1-b)b / (c d ln 2) * log2( (c+d)/(c d (1-b) b) * 21^2/a^2 ) )
 *   l = floor( s_0 + s_1 (1 - h(phi)) - lambda_EC - 6 log2(21/eps_sec) - log2(2/eps_cor) )  eq. (1)
 * </pre>
 * where s_0, s_1 are the vacuum and single-photon detections of the key basis, computed by (2) and
 * (3) from the key-basis counts, s_1^test the same from the test-basis counts, and m_k the
 * test-basis error counts. lambda_EC is everything the two ends disclosed about the key: the
 * Cascade parities, the verification tags and the authentication key spent on the block. With few or no
 * observed test errors the Hoeffding term of eq. (4) vanishes with m (it is taken over the observed
 * total), so the ratio is floored at {@code b = max(v_1/s_1^test, ln(21/eps_sec)/s_1^test)}: the
 * chance that s_1^test single photons show no error while the key basis has a phase error rate
 * above b is at most (1-b)^s_1^test &lt;= eps_sec/21. Then phi = b + gamma(eps_sec, b, ...); gamma
 * grows with b below 1/2, so the floor only lowers the key.
 *
 * <p>Pure function of the counts: both ends compute the same length from the same block.
 */
public final class FiniteKeyBound {
  private static final double LN2 = Math.log(2);

  private final double[] mu;
  private final double[] p;
  private final EpsilonBudget eps;

  /**
   * @param signal mu1
   * @param decoy mu2
   * @param vacuum mu3 (0 for a true vacuum decoy)
   * @param pSignal p1, pDecoy p2, pVacuum p3: the class probabilities (sum 1)
   */
  public FiniteKeyBound(double signal, double decoy, double vacuum, double pSignal, double pDecoy, double pVacuum,
      EpsilonBudget eps) {
    if (!(vacuum >= 0 && decoy > vacuum && signal > decoy + vacuum && signal <= 10)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "need mu1 > mu2 + mu3, mu2 > mu3 >= 0 (Lim et al. 2014), got %s/%s/%s", signal, decoy, vacuum));
    }
    if (!(pSignal > 0 && pDecoy > 0 && pVacuum > 0 && Math.abs(pSignal + pDecoy + pVacuum - 1) < 1e-9)) {
      throw new IllegalArgumentException("class probabilities must be positive and sum to 1, got "
          + pSignal + "/" + pDecoy + "/" + pVacuum);
    }
    this.mu = new double[] {signal, decoy, vacuum};
    this.p = new double[] {pSignal, pDecoy, pVacuum};
    this.eps = java.util.Objects.requireNonNull(eps, "eps");
  }

  public EpsilonBudget epsilon() {
    return eps;
  }

  /** tau_n: probability that Alice sends n photons. */
  double tau(int n) {
    double t = 0;
    double fact = 1;
    for (int i = 2; i <= n; i++) {
      fact *= i;
    }
    for (int k = 0; k < 3; k++) {
      t += p[k] * Math.exp(-mu[k]) * Math.pow(mu[k], n) / fact;
    }
    return t;
  }

  /** Hoeffding deviation sqrt(n/2 ln(21/eps_sec)) for a total of {@code n} counts. */
  double deviation(double n) {
    return Math.sqrt(n / 2 * eps.lnTerms());
  }

  /** n_k^+ (sign +1) or n_k^- (sign -1) of class {@code k} from counts {@code c}. */
  private double scaled(PerClass c, int k, int sign) {
    return Math.exp(mu[k]) / p[k] * (count(c, k) + sign * deviation(c.total()));
  }

  private static long count(PerClass c, int k) {
    return k == 0 ? c.signal() : k == 1 ? c.decoy() : c.vacuum();
  }

  /** Lower bound of the vacuum detections among counts {@code c}, eq. (2); &gt;= 0. */
  public double vacuumLower(PerClass c) {
    double s0 = tau(0) * (mu[1] * scaled(c, 2, -1) - mu[2] * scaled(c, 1, +1)) / (mu[1] - mu[2]);
    return Math.max(0, s0);
  }

  /** Lower bound of the single-photon detections among counts {@code c}, eq. (3); &gt;= 0. */
  public double singlePhotonLower(PerClass c) {
    double s0 = vacuumLower(c);
    double num = scaled(c, 1, -1) - scaled(c, 2, +1)
        - (mu[1] * mu[1] - mu[2] * mu[2]) / (mu[0] * mu[0]) * (scaled(c, 0, +1) - s0 / tau(0));
    double den = mu[0] * (mu[1] - mu[2]) - mu[1] * mu[1] + mu[2] * mu[2];
    return Math.max(0, tau(1) * mu[0] * num / den);
  }

  /** Upper bound of the single-photon errors of the test basis, eq. (4); &gt;= 0. */
  public double singlePhotonErrorsUpper(PerClass errors) {
    double dev = deviation(errors.total());
    double m2 = Math.exp(mu[1]) / p[1] * (errors.decoy() + dev);
    double m3 = Math.exp(mu[2]) / p[2] * (errors.vacuum() - dev);
    return Math.max(0, tau(1) * (m2 - m3) / (mu[1] - mu[2]));
  }

  /** gamma(a, b, c, d) of eq. (5). */
  static double gamma(double a, double b, double c, double d) {
    double q = (1 - b) * b;
    return Math.sqrt((c + d) * q / (c * d * LN2)
        * BinaryEntropy.log2((c + d) / (c * d * q) * (21.0 * 21.0) / (a * a)));
  }

  /** The bound and its terms for one block. */
  public record Result(double vacuumKey, double singleKey, double singleTest, double singleErrorsTest,
      double phaseError, double leakBits, double epsCostBits, long secureBits, Optional<String> noKeyReason) {

    /** s_0 + s_1 (1 - h(phi)): bits of min-entropy before the leaks. */
    public double privacyBits() {
      return vacuumKey + singleKey * (1 - BinaryEntropy.h2(phaseError));
    }
  }

  /**
   * The secure length of a block.
   *
   * @param c the block's counts
   * @param leakBits lambda_EC: parities disclosed by error correction, verification tags and the
   *     authentication key of the block, in bits (&gt;= 0)
   */
  public Result evaluate(BlockCounts c, double leakBits) {
    if (!(leakBits >= 0)) {
      throw new IllegalArgumentException("leak must be >= 0 bits, got " + leakBits);
    }
    double cost = eps.costBits();
    double s0 = vacuumLower(c.zDetections());
    double s1 = singlePhotonLower(c.zDetections());
    double s1x = singlePhotonLower(c.xDetections());
    double v1x = singlePhotonErrorsUpper(c.xErrors());
    if (!(s1 > 0) || !(s1x > 0)) {
      return new Result(s0, s1, s1x, v1x, 0.5, leakBits, cost, 0,
          Optional.of("decoy statistics bound no single-photon detection above 0 (block too small or too noisy)"));
    }
    double ratio = v1x / s1x;
    double phi = 0.5;
    if (ratio < 0.5) {
      double b = Math.max(ratio, eps.lnTerms() / s1x);
      phi = b < 0.5 ? Math.min(0.5, b + gamma(eps.epsSec(), b, s1x, s1)) : 0.5;
    }
    double l = s0 + s1 * (1 - BinaryEntropy.h2(phi)) - leakBits - cost;
    long bits = l >= 1 ? (long) Math.floor(l) : 0;
    Optional<String> why = bits > 0 ? Optional.empty() : Optional.of(String.format(Locale.ROOT,
        "finite-key bound leaves no key: phase error <= %.4f, s0 %.0f + s1 %.0f (1 - h) < leak %.0f + %.0f",
        phi, s0, s1, leakBits, cost));
    return new Result(s0, s1, s1x, v1x, phi, leakBits, cost, bits, why);
  }
}
