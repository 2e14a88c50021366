package org.qkdnet.qnode.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import org.qkdnet.qnode.device.DecoyStateParameters;
import org.qkdnet.qnode.device.DecoyStateRate;
import org.qkdnet.qnode.device.sim.Bb84AliceView;
import org.qkdnet.qnode.device.sim.Bb84BobView;
import org.qkdnet.qnode.device.sim.Bb84Parameters;
import org.qkdnet.qnode.device.sim.Bb84Simulator;
import org.qkdnet.qnode.device.sim.Intensity;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.postprocessing.estimation.BinaryEntropy;
import org.qkdnet.qnode.postprocessing.estimation.DecoyEstimator;
import org.qkdnet.qnode.postprocessing.estimation.Estimate;
import org.qkdnet.qnode.postprocessing.estimation.FrameStatistics;
import org.qkdnet.qnode.postprocessing.sifting.SiftedFrame;
import org.qkdnet.qnode.postprocessing.sifting.Sifter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qnode bench link}: the secure key rate of the raw-detection simulator after sifting and
 * decoy-state estimation, next to the analytic rate ({@link DecoyStateRate}) for the same link.
 *
 * <p>Error correction is not run: its leak is taken as f * H2(QBER) per raw key bit with the
 * same f as the analytic formula (1.16), QBER being the frame's actual key error rate (what
 * Cascade would find), so the comparison isolates simulator and estimator. The analytic rate uses
 * sifting factor p_mu * p_Z^2: only signal-class pulses measured in Z at both ends give key.
 */
@Command(name = "link", mixinStandardHelpOptions = true,
    description = "Simulate decoy-state BB84 frames on a fiber link, sift and estimate them, and compare "
        + "the secure key rate with the analytic decoy-state rate.")
public final class BenchLinkCommand implements Callable<Integer> {
  static final int EXIT_OK = 0;
  static final int EXIT_IO = 1;
  static final int EXIT_BAD_INPUT = 2;
  /** Reconciliation efficiency of the analytic formula (DecoyStateParameters.defaults()). */
  static final double F = 1.16;
  private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

  @Spec
  private CommandSpec spec;

  @Option(names = "--km", required = true, description = "Fiber length in km (0..300).")
  double km;

  @Option(names = "--frames", defaultValue = "200",
      description = "Frames to simulate (1..100000). Default: ${DEFAULT-VALUE}.")
  int frames;

  @Option(names = "--frame-slots", description = "Pulses per frame (default: the simulator's, 5e7).")
  Integer frameSlots;

  @Option(names = "--seed", defaultValue = "1", description = "Link seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--eps-pa", defaultValue = "1e-10",
      description = "Privacy amplification security parameter. Default: ${DEFAULT-VALUE}.")
  double epsPa;

  @Option(names = "--leak-verification", defaultValue = "64",
      description = "Bits of the verification hash per frame. Default: ${DEFAULT-VALUE}.")
  long leakVerification;

  @Option(names = "--abort-qber", defaultValue = "0.11",
      description = "Frames with a higher QBER are dropped. Default: ${DEFAULT-VALUE}.")
  double abortQber;

  @Option(names = "--max-seconds", defaultValue = "600",
      description = "Stop after this long (the result covers the frames done). Default: ${DEFAULT-VALUE}.")
  double maxSeconds;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON.")
  Path json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Settings settings;
    try {
      if (!(km >= 0 && km <= 300)) {
        throw new IllegalArgumentException("--km " + km + " is outside 0..300");
      }
      if (frames < 1 || frames > 100_000) {
        throw new IllegalArgumentException("--frames " + frames + " is outside 1..100000");
      }
      if (!(maxSeconds > 0)) {
        throw new IllegalArgumentException("--max-seconds must be positive");
      }
      Bb84Parameters p = Bb84Parameters.defaults();
      if (frameSlots != null) {
        p = p.withFrameSlots(frameSlots);
      }
      settings = new Settings(p, km, seed, frames, leakVerification, epsPa, abortQber);
    } catch (IllegalArgumentException e) {
      err.println("qnode bench link: " + e.getMessage());
      return EXIT_BAD_INPUT;
    }
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    long[] lastReport = {System.nanoTime()};
    Result r = run(settings, () -> deadline - System.nanoTime(), done -> {
      long now = System.nanoTime();
      if (now - lastReport[0] >= PROGRESS_EVERY_NANOS) {
        lastReport[0] = now;
        err.printf(Locale.ROOT, "  frame %d/%d%n", done, settings.frames());
        err.flush();
      }
    });
    out.print(r.summary());
    out.flush();
    if (json != null) {
      try {
        Files.writeString(json, r.json());
      } catch (IOException e) {
        err.println("qnode bench link: cannot write " + json + ": " + e.getMessage());
        return EXIT_IO;
      }
    }
    return EXIT_OK;
  }

  /** What to simulate. */
  record Settings(Bb84Parameters params, double km, long seed, int frames, long leakVerification,
      double epsPa, double abortQber) {
    Settings {
      if (leakVerification < 0) {
        throw new IllegalArgumentException("--leak-verification must be >= 0");
      }
      if (!(epsPa > 0 && epsPa < 1)) {
        throw new IllegalArgumentException("--eps-pa " + epsPa + " is outside (0, 1)");
      }
      if (!(abortQber > 0 && abortQber <= 0.5)) {
        throw new IllegalArgumentException("--abort-qber " + abortQber + " is outside (0, 0.5]");
      }
      params.transmittance(km); // validates km
    }
  }

  /** Progress callback: frames done so far. */
  interface Progress {
    void framesDone(int done);
  }

  /**
   * Simulates, sifts and estimates {@code s.frames()} frames, or fewer if {@code nanosLeft} runs
   * out; sums the per-frame secure lengths.
   */
  static Result run(Settings s, LongSupplier nanosLeft, Progress progress) {
    Bb84Parameters p = s.params();
    Bb84Simulator sim = new Bb84Simulator(p, s.km(), s.seed());
    DecoyEstimator estimator = new DecoyEstimator(p.signalIntensity(), p.decoyIntensity(), s.abortQber());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    boolean cpuClock = threads.isCurrentThreadCpuTimeSupported();
    long simNanos = 0;
    long secureBits = 0;
    long keyBits = 0;
    long keyErrors = 0;
    int dropped = 0;
    String lastDrop = "";
    FrameStatistics pooled = null;
    int done = 0;
    while (done < s.frames() && nanosLeft.getAsLong() > 0) {
      long frame = done;
      long t0 = cpuClock ? threads.getCurrentThreadCpuTime() : System.nanoTime();
      Bb84BobView bobView = sim.bobView(frame);
      simNanos += (cpuClock ? threads.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
      Bb84AliceView aliceView = sim.aliceView(frame);
      Sifter.AliceSifting alice = Sifter.alice(aliceView, Sifter.announce(bobView));
      SiftedFrame bob = Sifter.bob(bobView, alice.reply());
      bobView.zeroize();
      FrameStatistics.SentPulses sent = new FrameStatistics.SentPulses(aliceView.pulses(Intensity.SIGNAL),
          aliceView.pulses(Intensity.DECOY), aliceView.pulses(Intensity.VACUUM));
      FrameStatistics stats = FrameStatistics.tally(alice.sifted(), bob.disclosedBits(), sent,
          p.basisMatchProbability());
      pooled = pooled == null ? stats : pooled.plus(stats);
      Estimate e = estimator.estimate(stats);
      long errors = keyErrors(alice.sifted(), bob);
      alice.sifted().zeroize();
      bob.zeroize();
      keyBits += stats.keyBits();
      keyErrors += errors;
      if (e.accepted()) {
        double qber = stats.keyBits() == 0 ? 0 : (double) errors / stats.keyBits();
        long leakEc = (long) Math.ceil(F * BinaryEntropy.h2(qber) * stats.keyBits());
        secureBits += e.secureLength(leakEc, s.leakVerification(), 0, s.epsPa());
      } else {
        dropped++;
        lastDrop = e.dropReason().orElse("");
      }
      done++;
      progress.framesDone(done);
    }
    double seconds = done * (double) p.frameSlots() / p.pulseRateHz();
    DecoyStateParameters analytic = p.analyticEquivalent(F, s.km());
    Estimate pooledEstimate = pooled == null ? null : estimator.estimate(pooled);
    return new Result(s, done, seconds, secureBits, keyBits, keyErrors, dropped, lastDrop, pooledEstimate,
        DecoyStateRate.secureBitsPerSecond(analytic, s.km()),
        DecoyStateRate.secureBitsPerSecond(DecoyStateParameters.defaults(), s.km()),
        simNanos / 1e9, cpuClock);
  }

  /** Differing key bits between the two ends: what error correction would have to fix. */
  private static long keyErrors(SiftedFrame alice, SiftedFrame bob) {
    try (KeyMaterial a = alice.keyBits(); KeyMaterial b = bob.keyBits(); KeyMaterial x = a.xor(b)) {
      byte[] diff = x.copyBytes();
      long n = 0;
      for (byte d : diff) {
        n += Integer.bitCount(d & 0xFF);
      }
      Arrays.fill(diff, (byte) 0);
      return n;
    }
  }

  /** The outcome of a run. */
  record Result(Settings settings, int frames, double seconds, long secureBits, long keyBits, long keyErrors,
      int dropped, String lastDropReason, Estimate pooled, double analyticBps, double analyticIdealBps,
      double simulatorSeconds, boolean cpuClock) {

    double simulatedBps() {
      return seconds > 0 ? secureBits / seconds : 0;
    }

    double ratio() {
      return analyticBps > 0 ? simulatedBps() / analyticBps : 0;
    }

    double qber() {
      return keyBits > 0 ? (double) keyErrors / keyBits : 0;
    }

    double simulatorSpeedup() {
      return simulatorSeconds > 0 ? seconds / simulatorSeconds : 0;
    }

    String summary() {
      Bb84Parameters p = settings.params();
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "link %.1f km: %d frames x %d pulses = %.2f s at %.3g Hz, seed %d%n",
          settings.km(), frames, p.frameSlots(), seconds, p.pulseRateHz(), settings.seed()));
      b.append(String.format(Locale.ROOT, "  simulated secure rate  %12.0f bit/s  (per-frame estimation, %d dropped%s)%n",
          simulatedBps(), dropped, dropped > 0 ? ": " + lastDropReason : ""));
      b.append(String.format(Locale.ROOT, "  analytic secure rate   %12.0f bit/s  (DecoyStateRate, sifting factor p_mu p_Z^2 = %.3f, f = %.2f)%n",
          analyticBps, p.analyticEquivalent(F, settings.km()).siftingFactor(), F));
      b.append(String.format(Locale.ROOT, "  ratio                  %12.4f%n", ratio()));
      b.append(String.format(Locale.ROOT, "  QBER %.3f %% (key), %.3f %% (disclosed signal X bits, pooled)%n",
          100 * qber(), pooled == null ? 0 : 100 * pooled.qber()));
      if (pooled != null) {
        b.append(String.format(Locale.ROOT, "  pooled bounds: Y1 >= %.4e, e1 <= %.4f, Q1/Q_mu >= %.4f%n",
            pooled.y1Lower(), pooled.e1Upper(), pooled.singlePhotonFraction()));
      }
      b.append(String.format(Locale.ROOT, "  simulator: %.1fx real time (%s %.2f s for %.2f s of pulses)%n",
          simulatorSpeedup(), cpuClock ? "CPU" : "wall", simulatorSeconds, seconds));
      b.append(String.format(Locale.ROOT, "  (analytic with every pulse signal and sifting factor 1: %.0f bit/s)%n",
          analyticIdealBps));
      return b.toString();
    }

    String json() {
      return String.format(Locale.ROOT, "{\"km\": %s, \"secure_bps_simulated\": %.1f, \"secure_bps_analytic\": %.1f, "
          + "\"ratio\": %.5f, \"qber\": %.6f, \"qber_disclosed\": %.6f, \"frames\": %d, \"pulses\": %d, "
          + "\"frames_dropped\": %d, \"frame_slots\": %d, \"seed\": %d, \"simulator_speedup\": %.2f, "
          + "\"secure_bps_analytic_ideal\": %.1f}%n",
          settings.km(), simulatedBps(), analyticBps, ratio(), qber(), pooled == null ? 0 : pooled.qber(), frames,
          (long) frames * settings.params().frameSlots(), dropped, settings.params().frameSlots(),
          settings.seed(), simulatorSpeedup(), analyticIdealBps);
    }
  }
}
