package org.qkdnet.qnode.device;

/**
 * Asymptotic secure key rate of decoy-state BB84 (GLLP with infinitely many decoys), as in
 * Lo, Ma and Chen, PRL 94, 230504 (2005), eqs. (1)-(4), and Ma et al., PRA 72, 012326 (2005):
 *
 * <pre>
 *   R = q * rate * ( Q1 * (1 - H2(e1)) - Q_mu * f * H2(E_mu) )
 *   eta = eta_det * 10^(-alpha L / 10)
 *   Q_mu = Y0 + 1 - exp(-eta mu)            E_mu Q_mu = e0 Y0 + e_d (1 - exp(-eta mu))
 *   Y1 = Y0 + eta                            Q1 = Y1 mu exp(-mu)
 *   e1 = (e0 Y0 + e_d eta) / Y1,  e0 = 1/2
 * </pre>
 * The simulator uses it to pace finished key; the raw-detection simulator will be checked against it.
 */
public final class DecoyStateRate {
  private DecoyStateRate() {}

  /** Secure key bits per second over {@code km} of fiber; 0 where no key can be distilled. */
  public static double secureBitsPerSecond(DecoyStateParameters p, double km) {
    if (!(km >= 0)) {
      throw new IllegalArgumentException("fiber length must be >= 0 km, got " + km);
    }
    double eta = p.detectorEfficiency() * Math.pow(10, -p.fiberLossDbPerKm() * km / 10);
    double y0 = p.darkCountProbability();
    double mu = p.signalIntensity();
    double ed = p.misalignmentError();
    double detect = 1 - Math.exp(-eta * mu);
    double qMu = y0 + detect;
    double eMu = (0.5 * y0 + ed * detect) / qMu;
    double y1 = y0 + eta;
    double q1 = y1 * mu * Math.exp(-mu);
    double e1 = (0.5 * y0 + ed * eta) / y1;
    double perPulse =
        p.siftingFactor() * (q1 * (1 - h2(e1)) - qMu * p.reconciliationEfficiency() * h2(eMu));
    return Math.max(0, perPulse * p.pulseRateHz());
  }

  /** Binary entropy in bits. */
  public static double h2(double x) {
    if (x <= 0 || x >= 1) {
      return 0;
    }
    return -x * log2(x) - (1 - x) * log2(1 - x);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
