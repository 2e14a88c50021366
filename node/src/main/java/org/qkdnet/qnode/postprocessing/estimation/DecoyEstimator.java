package org.qkdnet.qnode.postprocessing.estimation;

import java.util.Optional;

/**
 * Vacuum + weak decoy estimation (Ma, Qi, Zhao and Lo, PRA 72, 012326 (2005), section "vacuum +
 * weak decoy state", eqs. (34) and (37)):
 * <pre>
 *   Y1 &gt;= Y1_L = mu / (mu nu - nu^2) * ( Q_nu e^nu - Q_mu e^mu nu^2/mu^2 - (mu^2 - nu^2)/mu^2 * Y0 )
 *   e1 &lt;= e1_U = ( E_nu Q_nu e^nu - e0 Y0 ) / ( Y1_L nu ),   e0 = 1/2
 *   Q1 &gt;= Y1_L mu e^-mu
 * </pre>
 * with gains Q_k = matched clicks / (pulses * P(bases match)) and Y0 = Q_0. The bounds tighten as
 * nu goes to 0 (Y1_L within 1.5 % and e1_U within 7 % of the true values at nu = 0.05, mu = 0.5).
 * A frame is dropped with a reason if its QBER (disclosed signal bits) exceeds the abort
 * threshold or its statistics cannot bound Y1 above 0.
 */
public final class DecoyEstimator {
  private final double mu;
  private final double nu;
  private final double abortQber;

  /** 11 %: above this, BB84 with one-way post-processing distils no key even from single photons. */
  public static final double DEFAULT_ABORT_QBER = 0.11;

  public DecoyEstimator(double mu, double nu, double abortQber) {
    if (!(nu > 0 && nu < mu && mu <= 10)) {
      throw new IllegalArgumentException("need 0 < nu < mu <= 10, got mu=" + mu + ", nu=" + nu);
    }
    if (!(abortQber > 0 && abortQber <= 0.5)) {
      throw new IllegalArgumentException("abort QBER must be in (0, 0.5], got " + abortQber);
    }
    this.mu = mu;
    this.nu = nu;
    this.abortQber = abortQber;
  }

  public Estimate estimate(FrameStatistics s) {
    double pm = s.basisMatchProbability();
    double qMu = gain(s.signal(), pm);
    double qNu = gain(s.decoy(), pm);
    double y0 = gain(s.vacuum(), pm);
    double eMu = rate(s.signal());
    double eNu = rate(s.decoy());
    double y1 = mu / (mu * nu - nu * nu)
        * (qNu * Math.exp(nu) - qMu * Math.exp(mu) * nu * nu / (mu * mu) - (mu * mu - nu * nu) / (mu * mu) * y0);
    double e1 = y1 > 0 ? clamp((eNu * qNu * Math.exp(nu) - 0.5 * y0) / (y1 * nu)) : 0.5;
    double q1 = Math.max(0, y1) * mu * Math.exp(-mu);
    Optional<String> drop = dropReason(s, eMu, y1);
    return new Estimate(s.frame(), qMu, qNu, y0, eMu, eNu, y1, e1, q1, s.keyBits(), drop);
  }

  private Optional<String> dropReason(FrameStatistics s, double qber, double y1) {
    if (s.signal().pulses() == 0 || s.decoy().pulses() == 0 || s.vacuum().pulses() == 0) {
      return Optional.of("a pulse class was never sent");
    }
    if (s.signal().disclosed() == 0) {
      return Optional.of("no disclosed signal bits to estimate the QBER");
    }
    if (qber > abortQber) {
      return Optional.of(String.format("QBER %.4f above abort threshold %.4f", qber, abortQber));
    }
    if (!(y1 > 0)) {
      return Optional.of("decoy statistics give no positive single-photon yield bound");
    }
    if (s.keyBits() == 0) {
      return Optional.of("no raw key bits");
    }
    return Optional.empty();
  }

  private static double gain(ClassCounts c, double basisMatch) {
    return c.pulses() == 0 ? 0 : c.matchedClicks() / (c.pulses() * basisMatch);
  }

  private static double rate(ClassCounts c) {
    return c.disclosed() == 0 ? 0 : (double) c.errors() / c.disclosed();
  }

  private static double clamp(double e) {
    return Math.max(0, Math.min(0.5, e));
  }
}
