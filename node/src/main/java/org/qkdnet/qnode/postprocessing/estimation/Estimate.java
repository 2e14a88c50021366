package org.qkdnet.qnode.postprocessing.estimation;

import java.util.Objects;
import java.util.Optional;

/**
 * The estimates of one frame (or block of frames) and its secure length.
 *
 * @param gainSignal Q_mu, per pulse
 * @param gainDecoy Q_nu, per pulse
 * @param gainVacuum Q_0 = Y0, per pulse
 * @param qber E_mu, error rate of the disclosed signal bits (X basis)
 * @param errorDecoy E_nu
 * @param y1Lower lower bound of the single-photon yield Y1
 * @param e1Upper upper bound of the single-photon error rate e1
 * @param q1Lower Q1 = Y1 mu e^-mu, lower bound of the single-photon gain
 * @param keyBits raw key bits (signal class, Z basis)
 * @param dropReason why the frame must be dropped; empty if it may be kept
 */
public record Estimate(long frame, double gainSignal, double gainDecoy, double gainVacuum, double qber,
    double errorDecoy, double y1Lower, double e1Upper, double q1Lower, long keyBits,
    Optional<String> dropReason) {

  public Estimate {
    Objects.requireNonNull(dropReason, "dropReason");
  }

  public boolean accepted() {
    return dropReason.isEmpty();
  }

  /** Q1 / Q_mu: the fraction of signal detections that came from single photons (lower bound). */
  public double singlePhotonFraction() {
    return gainSignal > 0 ? Math.min(1, q1Lower / gainSignal) : 0;
  }

  /**
   * Secure bits before any leak: {@code keyBits * Q1/Q_mu * (1 - H2(e1))}; 0 for a dropped frame.
   */
  public double privacyBits() {
    if (!accepted()) {
      return 0;
    }
    return Math.max(0, keyBits * singlePhotonFraction() * (1 - BinaryEntropy.h2(e1Upper)));
  }

  /**
   * Length of the final key after privacy amplification (asymptotic decoy-state GLLP bound,
   * Lo-Ma-Chen 2005 with the vacuum + weak decoy bounds of Ma et al. 2005):
   * <pre>
   *   n_sec = n_key * Q1/Q_mu * (1 - H2(e1)) - leak_EC - leak_verification - leak_auth - 2 log2(1/eps_PA)
   * </pre>
   * where n_key is the raw key (signal class, Z basis), Q1 and e1 the decoy bounds. Finite-key
   * corrections are left out: the statistical fluctuation of Q_nu, E_nu and Y0 and the
   * difference between the X-basis and Z-basis phase error (both matter for frames well below
   * 1e6 bits). 0 for a dropped frame or when the leaks exceed the privacy bits.
   *
   * @param leakEc bits disclosed by error correction (e.g. Cascade parities)
   * @param leakVerification bits of the verification hash
   * @param leakAuth authentication key consumed for this frame's messages, in bits
   * @param epsPa security parameter of privacy amplification, in (0, 1)
   */
  public long secureLength(long leakEc, long leakVerification, long leakAuth, double epsPa) {
    if (leakEc < 0 || leakVerification < 0 || leakAuth < 0) {
      throw new IllegalArgumentException("leaks must be >= 0, got ec=" + leakEc + ", verification="
          + leakVerification + ", auth=" + leakAuth);
    }
    if (!(epsPa > 0 && epsPa < 1)) {
      throw new IllegalArgumentException("eps_PA must be in (0, 1), got " + epsPa);
    }
    double n = privacyBits() - leakEc - leakVerification - leakAuth - 2 * BinaryEntropy.log2(1 / epsPa);
    return n > 0 ? (long) Math.floor(n) : 0;
  }
}
