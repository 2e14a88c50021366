package org.qkdnet.qnode.device.sim;

import org.qkdnet.qnode.device.DecoyStateParameters;
import org.qkdnet.qnode.postprocessing.estimation.EpsilonBudget;
import org.qkdnet.qnode.postprocessing.estimation.FiniteKeyBound;

/**
 * Physics and protocol knobs of a decoy-state BB84 link with vacuum + one weak decoy
 * (the "vacuum + weak decoy" protocol of Ma, Qi, Zhao and Lo, PRA 72, 012326 (2005)).
 *
 * <p>Defaults ({@link #defaults()}): the physics of {@link DecoyStateParameters#defaults()}
 * (1 GHz, 0.2 dB/km, detector 0.2, Y0 1e-6, e_d 0.015) with mu = 0.4, nu = 0.2, classes
 * 0.5 / 0.3 / 0.2 and p_Z = 0.7, chosen for the finite-key bound of Lim et al., PRA 89, 022307
 * (2014) over blocks of 1e6 sifted Z bits: the best point of a grid search (mu 0.4-0.7, nu
 * 0.1-0.3, signal 0.5-0.8, vacuum 0.05-0.2, p_Z 0.6-0.9) for the key per pulse of the longest
 * Hubei link (87 km) with every link from 18 km on yielding key; docs/security.md gives the
 * search and the rates. (The former asymptotic choice, mu 0.5, nu 0.05, 0.8 / 0.15 / 0.05, p_Z 0.9,
 * yields no finite-key key below blocks of about 5e10 pulses.)
 *
 * @param pulseRateHz source repetition rate (slots per second)
 * @param fiberLossDbPerKm attenuation of the fiber
 * @param detectorEfficiency Bob's detection efficiency (incl. his optics)
 * @param darkCountProbability background detection probability per slot (Y0)
 * @param afterpulseProbability p_ap, probability that a click is followed by an afterpulse click
 *     (modelled as extra background, see {@link #effectiveDarkCountProbability(double)})
 * @param misalignmentError e_d of the Z basis, probability that a photon Bob measures in Z hits
 *     the wrong detector
 * @param misalignmentErrorX e_d of the X basis (interferometer visibility can differ from the Z
 *     basis's timing or polarisation contrast)
 * @param signalIntensity mu, mean photon number of signal pulses
 * @param decoyIntensity nu, mean photon number of weak-decoy pulses (0 &lt; nu &lt; mu)
 * @param signalProbability probability that Alice sends a signal pulse
 * @param decoyProbability probability that Alice sends a weak-decoy pulse
 * @param vacuumProbability probability that Alice sends a vacuum pulse (the three sum to 1)
 * @param zBasisProbability probability of the Z basis, the same at both ends (efficient BB84)
 * @param frameSlots pulses (slots) per frame
 */
public record Bb84Parameters(
    double pulseRateHz,
    double fiberLossDbPerKm,
    double detectorEfficiency,
    double darkCountProbability,
    double afterpulseProbability,
    double misalignmentError,
    double misalignmentErrorX,
    double signalIntensity,
    double decoyIntensity,
    double signalProbability,
    double decoyProbability,
    double vacuumProbability,
    double zBasisProbability,
    int frameSlots) {

  public static final int MIN_FRAME_SLOTS = 64;
  /** One second of pulses at 1 GHz; bounds the memory of one frame's detections. */
  public static final int MAX_FRAME_SLOTS = 1_000_000_000;

  /** DESIGN.md section 4 physics; intensities and probabilities as in the class comment; 50 ms frames. */
  public static Bb84Parameters defaults() {
    DecoyStateParameters d = DecoyStateParameters.defaults();
    return new Bb84Parameters(
        d.pulseRateHz(), d.fiberLossDbPerKm(), d.detectorEfficiency(), d.darkCountProbability(), 0,
        d.misalignmentError(), d.misalignmentError(), 0.4, 0.2, 0.5, 0.3, 0.2, 0.7, 50_000_000);
  }

  public Bb84Parameters {
    requireIn("pulse-rate", pulseRateHz, 1, 1e12);
    requireIn("fiber-loss-db-per-km", fiberLossDbPerKm, 0, 10);
    requireIn("detector-efficiency", detectorEfficiency, 1e-6, 1);
    requireIn("dark-count-probability", darkCountProbability, 0, 0.1);
    requireIn("afterpulse-probability", afterpulseProbability, 0, 0.2);
    requireIn("misalignment-error", misalignmentError, 0, 0.5);
    requireIn("misalignment-error-x", misalignmentErrorX, 0, 0.5);
    requireIn("signal-intensity", signalIntensity, 1e-3, 10);
    requireIn("decoy-intensity", decoyIntensity, 1e-4, 10);
    if (!(decoyIntensity < signalIntensity)) {
      throw new IllegalArgumentException("decoy-intensity = " + decoyIntensity
          + " must be below signal-intensity = " + signalIntensity + " (the decoy bound needs nu < mu)");
    }
    requireIn("signal-probability", signalProbability, 1e-6, 1);
    requireIn("decoy-probability", decoyProbability, 1e-6, 1);
    requireIn("vacuum-probability", vacuumProbability, 1e-6, 1);
    double sum = signalProbability + decoyProbability + vacuumProbability;
    if (Math.abs(sum - 1) > 1e-9) {
      throw new IllegalArgumentException("signal-probability + decoy-probability + vacuum-probability = "
          + sum + ", must be 1");
    }
    // Both bases must occur: Z carries the key, X-basis signal bits estimate the QBER.
    requireIn("z-basis-probability", zBasisProbability, 0.5, 0.999);
    if (frameSlots < MIN_FRAME_SLOTS || frameSlots > MAX_FRAME_SLOTS) {
      throw new IllegalArgumentException("frame-slots = " + frameSlots + " is outside ["
          + MIN_FRAME_SLOTS + ", " + MAX_FRAME_SLOTS + "]");
    }
  }

  /** Fiber and detector transmittance eta over {@code km}. */
  public double transmittance(double km) {
    if (!(km >= 0 && km <= 1000)) {
      throw new IllegalArgumentException("fiber length must be in [0, 1000] km, got " + km);
    }
    return detectorEfficiency * Math.pow(10, -fiberLossDbPerKm * km / 10);
  }

  /** s_k = 1 - exp(-eta mu_k): probability that the photons of a class-{@code k} pulse cause a click. */
  public double photonClickProbability(Intensity k, double km) {
    return -Math.expm1(-transmittance(km) * intensity(k));
  }

  /**
   * Y0_eff = Y0 + p_ap * Q_mean, with Q_mean = sum_k p_k Q_k and Q_k = s_k + (1 - s_k) Y0 the click
   * probabilities without afterpulses: afterpulsing as uncorrelated background. This is the
   * usual first-order approximation; it leaves out that an afterpulse follows a click in an
   * earlier slot (it is spread evenly instead) and afterpulses of afterpulses (order p_ap^2).
   */
  public double effectiveDarkCountProbability(double km) {
    double meanClick = 0;
    for (Intensity k : Intensity.values()) {
      double s = photonClickProbability(k, km);
      meanClick += probability(k) * (s + (1 - s) * darkCountProbability);
    }
    return darkCountProbability + afterpulseProbability * meanClick;
  }

  /** Mean photon number of an intensity class. */
  public double intensity(Intensity k) {
    return switch (k) {
      case SIGNAL -> signalIntensity;
      case DECOY -> decoyIntensity;
      case VACUUM -> 0;
    };
  }

  /** Probability that Alice sends a pulse of class {@code k}. */
  public double probability(Intensity k) {
    return switch (k) {
      case SIGNAL -> signalProbability;
      case DECOY -> decoyProbability;
      case VACUUM -> vacuumProbability;
    };
  }

  /** Probability that Alice's and Bob's bases agree. */
  public double basisMatchProbability() {
    return zBasisProbability * zBasisProbability + (1 - zBasisProbability) * (1 - zBasisProbability);
  }

  /** A copy with another frame size (benchmarks). */
  public Bb84Parameters withFrameSlots(int slots) {
    return new Bb84Parameters(pulseRateHz, fiberLossDbPerKm, detectorEfficiency, darkCountProbability,
        afterpulseProbability, misalignmentError, misalignmentErrorX, signalIntensity, decoyIntensity,
        signalProbability, decoyProbability, vacuumProbability, zBasisProbability, slots);
  }

  /** A copy with another X-basis misalignment: a dephasing channel (benchmarks, tests). */
  public Bb84Parameters withMisalignmentErrorX(double ex) {
    return new Bb84Parameters(pulseRateHz, fiberLossDbPerKm, detectorEfficiency, darkCountProbability,
        afterpulseProbability, misalignmentError, ex, signalIntensity, decoyIntensity,
        signalProbability, decoyProbability, vacuumProbability, zBasisProbability, frameSlots);
  }

  private static void requireIn(String name, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw new IllegalArgumentException(name + " = " + v + " is outside [" + lo + ", " + hi + "]");
    }
  }

  /**
   * The finite-key bound (Lim et al. 2014) for this protocol's intensities and class probabilities
   * (vacuum decoy: w = 0) under {@code eps}; one definition for the link, the simulator's rate and
   * {@code bench link}.
   */
  public FiniteKeyBound finiteKeyBound(EpsilonBudget eps) {
    return new FiniteKeyBound(signalIntensity, decoyIntensity, 0, signalProbability, decoyProbability,
        vacuumProbability, eps);
  }
}
