package org.qkdnet.qnode.device;

/**
 * Physical parameters of a decoy-state BB84 link.
 *
 * @param pulseRateHz source repetition rate
 * @param fiberLossDbPerKm attenuation of the fiber
 * @param detectorEfficiency Bob's detection efficiency (incl. his optics)
 * @param darkCountProbability background detection probability per gate (Y0)
 * @param misalignmentError e_d, probability that a photon hits the wrong detector
 * @param signalIntensity mu, mean photon number of signal states
 * @param siftingFactor fraction of detections kept after sifting (1/2 for symmetric BB84,
 *     close to 1 for the efficient biased-basis variant)
 * @param reconciliationEfficiency f, leakage of error correction relative to the Shannon limit
 */
public record DecoyStateParameters(
    double pulseRateHz,
    double fiberLossDbPerKm,
    double detectorEfficiency,
    double darkCountProbability,
    double misalignmentError,
    double signalIntensity,
    double siftingFactor,
    double reconciliationEfficiency) {

  /** InGaAs-like detectors, 1 GHz source, efficient BB84: the figures of DESIGN.md section 4. */
  public static DecoyStateParameters defaults() {
    return new DecoyStateParameters(1e9, 0.2, 0.20, 1e-6, 0.015, 0.5, 1.0, 1.16);
  }

  public DecoyStateParameters {
    requireIn("pulse-rate", pulseRateHz, 1, 1e12);
    requireIn("fiber-loss", fiberLossDbPerKm, 0, 10);
    requireIn("detector-efficiency", detectorEfficiency, 1e-6, 1);
    requireIn("dark-count-probability", darkCountProbability, 0, 0.1);
    requireIn("misalignment-error", misalignmentError, 0, 0.5);
    requireIn("signal-intensity", signalIntensity, 1e-3, 10);
    requireIn("sifting-factor", siftingFactor, 1e-3, 1);
    requireIn("reconciliation-efficiency", reconciliationEfficiency, 1, 2);
  }

  private static void requireIn(String name, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw new IllegalArgumentException(name + " = " + v + " is outside [" + lo + ", " + hi + "]");
    }
  }
}
