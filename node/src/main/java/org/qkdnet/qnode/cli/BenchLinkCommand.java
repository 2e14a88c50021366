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
import org.qkdnet.qnode.config.Bb84Settings;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.device.sim.Bb84AliceView;
import org.qkdnet.qnode.device.sim.Bb84BobView;
import org.qkdnet.qnode.device.sim.Bb84Parameters;
import org.qkdnet.qnode.device.sim.Bb84Simulator;
import org.qkdnet.qnode.device.sim.FiniteKeyRate;
import org.qkdnet.qnode.postprocessing.estimation.AuthenticationCost;
import org.qkdnet.qnode.postprocessing.estimation.BinaryEntropy;
import org.qkdnet.qnode.postprocessing.estimation.BlockCounts;
import org.qkdnet.qnode.postprocessing.estimation.EpsilonBudget;
import org.qkdnet.qnode.postprocessing.estimation.FiniteKeyBound;
import org.qkdnet.qnode.postprocessing.estimation.FrameCheck;
import org.qkdnet.qnode.postprocessing.estimation.Estimate;
import org.qkdnet.qnode.postprocessing.estimation.FrameStatistics;
import org.qkdnet.qnode.postprocessing.sifting.SiftedFrame;
import org.qkdnet.qnode.postprocessing.sifting.Sifter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qnode bench link}: the finite-key secure rate of the raw-detection simulator over blocks
 * of sifted key, next to the same bound at the expected counts ({@link FiniteKeyRate}) and the
 * asymptotic rate (reference only).
 *
 * <p>Frames are simulated, sifted and checked as the stations do; their counts add up into blocks
 * of {@code --block-bits} raw key bits, and each block's length comes from {@link FiniteKeyBound}.
 * Error correction is not run: its leak is taken as f H2(E) per key bit with f = {@value #F} and
 * E the block's actual key error rate (what Cascade would find), plus each frame's verification
 * tag and authentication cost, the same charge as the analytic figure, so the comparison isolates
 * simulator and estimation.
 */
@Command(name = "link", mixinStandardHelpOptions = true,
    description = "Simulate decoy-state BB84 on a fiber link in blocks of sifted key and compare the finite-key "
        + "secure rate with the same bound at the expected counts and with the asymptotic rate.")
public final class BenchLinkCommand implements Callable<Integer> {
  static final int EXIT_OK = 0;
  static final int EXIT_IO = 1;
  static final int EXIT_BAD_INPUT = 2;
  /** Reconciliation efficiency charged for error correction (Cascade measures 1.05-1.09). */
  static final double F = 1.16;
  private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

  @Spec
  private CommandSpec spec;

  @Option(names = "--km", required = true, description = "Fiber length in km (0..300).")
  double km;

  @Option(names = "--block-bits", defaultValue = "1e6",
      description = "Sifted key (Z-basis) bits per block, 1e4..1e8. Default: ${DEFAULT-VALUE}.")
  double blockBits;

  @Option(names = "--blocks", defaultValue = "1",
      description = "Blocks to simulate (0..1000; 0: only the analytic and asymptotic rates). Default: ${DEFAULT-VALUE}.")
  int blocks;

  @Option(names = "--frame-slots", description = "Pulses per frame (default: the simulator's, 5e7).")
  Integer frameSlots;

  @Option(names = "--seed", defaultValue = "1", description = "Link seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--eps-sec", defaultValue = "1e-10",
      description = "Secrecy parameter per block. Default: ${DEFAULT-VALUE}.")
  double epsSec;

  @Option(names = "--eps-cor", defaultValue = "1e-15",
      description = "Correctness parameter per block. Default: ${DEFAULT-VALUE}.")
  double epsCor;

  @Option(names = "--tag-bits", defaultValue = "128",
      description = "Verification tag bits per frame (1..128). Default: ${DEFAULT-VALUE}.")
  int tagBits;

  @Option(names = "--abort-qber", defaultValue = "0.11",
      description = "Frames with a higher X-basis QBER are dropped. Default: ${DEFAULT-VALUE}.")
  double abortQber;

  @Option(names = "--misalignment-error-x", description = "X-basis misalignment (default: the simulator's).")
  Double misalignmentX;

  @Option(names = "--max-seconds", defaultValue = "600",
      description = "Stop after this long (the result covers the blocks done). Default: ${DEFAULT-VALUE}.")
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
      if (!(blockBits >= Bb84Settings.MIN_BLOCK_BITS && blockBits <= Bb84Settings.MAX_BLOCK_BITS)) {
        throw new IllegalArgumentException("--block-bits " + blockBits + " is outside 1e4..1e8");
      }
      if (blocks < 0 || blocks > 1000) {
        throw new IllegalArgumentException("--blocks " + blocks + " is outside 0..1000");
      }
      if (!(maxSeconds > 0)) {
        throw new IllegalArgumentException("--max-seconds must be positive");
      }
      Bb84Parameters p = Bb84Parameters.defaults();
      if (frameSlots != null) {
        p = p.withFrameSlots(frameSlots);
      }
      if (misalignmentX != null) {
        p = p.withMisalignmentErrorX(misalignmentX);
      }
      EpsilonBudget eps;
      try {
        eps = new EpsilonBudget(epsSec, epsCor);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + e.getMessage());
      }
      settings = new Settings(p, km, seed, (long) blockBits, blocks, eps, tagBits, abortQber);
    } catch (IllegalArgumentException e) {
      err.println("qnode bench link: " + e.getMessage());
      return EXIT_BAD_INPUT;
    }
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    long[] lastReport = {System.nanoTime()};
    Result r = run(settings, () -> deadline - System.nanoTime(), (block, keyBits) -> {
      long now = System.nanoTime();
      if (now - lastReport[0] >= PROGRESS_EVERY_NANOS) {
        lastReport[0] = now;
        err.printf(Locale.ROOT, "  block %d/%d: %d of %d key bits%n", block + 1, settings.blocks(), keyBits,
            settings.blockBits());
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
  record Settings(Bb84Parameters params, double km, long seed, long blockBits, int blocks, EpsilonBudget eps,
      int tagBits, double abortQber) {
    Settings {
      if (tagBits < 1 || tagBits > 128) {
        throw new IllegalArgumentException("--tag-bits " + tagBits + " is outside 1..128");
      }
      if (!(abortQber > 0 && abortQber <= 0.5)) {
        throw new IllegalArgumentException("--abort-qber " + abortQber + " is outside (0, 0.5]");
      }
      params.transmittance(km); // validates km
    }
  }

  /** Progress callback: the block being filled and its key bits so far. */
  interface Progress {
    void blockProgress(int block, long keyBits);
  }

  /** One simulated block. */
  record BlockResult(BlockCounts counts, long keyErrors, double leakBits, FiniteKeyBound.Result bound, long pulses) {}

  /**
   * Simulates frames until {@code s.blocks()} blocks of {@code s.blockBits()} key bits are full
   * (or {@code nanosLeft} runs out: an unfinished block is not counted) and bounds each block.
   */
  static Result run(Settings s, LongSupplier nanosLeft, Progress progress) {
    Bb84Parameters p = s.params();
    Bb84Simulator sim = new Bb84Simulator(p, s.km(), s.seed());
    FrameCheck check = new FrameCheck(s.abortQber());
    FiniteKeyBound bound = p.finiteKeyBound(s.eps());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    boolean cpuClock = threads.isCurrentThreadCpuTimeSupported();
    LongSupplier clock = cpuClock ? threads::getCurrentThreadCpuTime : System::nanoTime;
    long simNanos = 0;
    long siftNanos = 0;
    long siftedBits = 0;
    java.util.List<BlockResult> done = new java.util.ArrayList<>();
    long frame = 0;
    long pulses = 0;
    long pulsesBefore = 0;
    int dropped = 0;
    String lastDrop = "";
    BlockCounts counts = BlockCounts.EMPTY;
    long errors = 0;
    long auth = 0;
    while (done.size() < s.blocks() && nanosLeft.getAsLong() > 0) {
      long t0 = clock.getAsLong();
      Bb84BobView bobView = sim.bobView(frame);
      long t1 = clock.getAsLong();
      // Sifting and estimation at both ends, as the two stations of a link do them.
      Bb84AliceView aliceView = sim.aliceView(frame);
      Sifter.AliceSifting alice = Sifter.alice(aliceView, Sifter.announce(bobView));
      int detections = bobView.detections();
      SiftedFrame bob = Sifter.bob(bobView, alice.reply());
      BlockCounts c = FrameStatistics.tally(alice.sifted(), bob.disclosedBits());
      FrameStatistics.tally(bob, alice.sifted().disclosedBits());
      long t2 = clock.getAsLong();
      simNanos += t1 - t0;
      siftNanos += t2 - t1;
      siftedBits += bob.size();
      bobView.zeroize();
      pulses += p.frameSlots();
      frame++;
      Estimate e = check.check(frame, c);
      long frameErrors = keyErrors(alice.sifted(), bob);
      if (e.accepted()) {
        counts = counts.plus(c);
        errors += frameErrors;
        long leakEc = (long) Math.ceil(F * BinaryEntropy.h2((double) frameErrors / c.keyBits()) * c.keyBits());
        auth += s.tagBits() + AuthenticationCost.frameBits(detections, bob.size(), bob.disclosedLength(), leakEc,
            c.keyBits());
      } else {
        dropped++;
        lastDrop = e.dropReason().orElse("");
      }
      alice.sifted().zeroize();
      bob.zeroize();
      progress.blockProgress(done.size(), counts.keyBits());
      if (counts.keyBits() >= s.blockBits()) {
        double keyQber = (double) errors / counts.keyBits();
        double leak = F * BinaryEntropy.h2(keyQber) * counts.keyBits() + auth;
        done.add(new BlockResult(counts, errors, leak, bound.evaluate(counts, leak), pulses - pulsesBefore));
        pulsesBefore = pulses;
        counts = BlockCounts.EMPTY;
        errors = 0;
        auth = 0;
      }
    }
    FiniteKeyBound.Result analytic = FiniteKeyRate.block(p, s.km(), s.blockBits(), F, s.tagBits(), s.eps());
    FiniteKeyRate.ExpectedBlock expected = FiniteKeyRate.expected(p, s.km(), s.blockBits());
    return new Result(s, done, frame, dropped, lastDrop, analytic, expected.pulses(),
        FiniteKeyRate.asymptoticBitsPerSecond(p, s.km(), F), simNanos / 1e9, siftNanos / 1e9, siftedBits, pulses,
        cpuClock);
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
  record Result(Settings settings, java.util.List<BlockResult> blocks, long frames, int dropped, String lastDropReason,
      FiniteKeyBound.Result analytic, double analyticPulses, double asymptoticBps, double simulatorSeconds,
      double siftingSeconds, long siftedBits, long pulses, boolean cpuClock) {

    private double seconds(double pulses) {
      return pulses / settings.params().pulseRateHz();
    }

    double simulatedBps() {
      long bits = blocks.stream().mapToLong(b -> b.bound().secureBits()).sum();
      long blockPulses = blocks.stream().mapToLong(BlockResult::pulses).sum();
      return blockPulses > 0 ? bits / seconds(blockPulses) : 0;
    }

    double analyticBps() {
      return analytic.secureBits() / seconds(analyticPulses);
    }

    double ratio() {
      return analyticBps() > 0 ? simulatedBps() / analyticBps() : 0;
    }

    double qber() {
      long key = blocks.stream().mapToLong(b -> b.counts().keyBits()).sum();
      return key > 0 ? (double) blocks.stream().mapToLong(BlockResult::keyErrors).sum() / key : 0;
    }

    double xQber() {
      long n = blocks.stream().mapToLong(b -> b.counts().xDetections().total()).sum();
      return n > 0 ? (double) blocks.stream().mapToLong(b -> b.counts().xErrors().total()).sum() / n : 0;
    }

    double simulatorSpeedup() {
      return simulatorSeconds > 0 ? seconds(pulses) / simulatorSeconds : 0;
    }

    /** Sifted bits (both bases) per second of the simulator's CPU (or wall) time, in Mbit. */
    double simulatorMbitPerSecond() {
      return simulatorSeconds > 0 ? siftedBits / simulatorSeconds / 1e6 : 0;
    }

    /** Sifted bits per second spent sifting and estimating at both ends, in Mbit. */
    double siftingMbitPerSecond() {
      return siftingSeconds > 0 ? siftedBits / siftingSeconds / 1e6 : 0;
    }

    String summary() {
      Bb84Parameters p = settings.params();
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "link %.1f km: %d block(s) of %d sifted key bits, %d frames x %d pulses,"
          + " eps_sec %.1e, eps_cor %.1e, seed %d%n", settings.km(), blocks.size(), settings.blockBits(), frames,
          p.frameSlots(), settings.eps().epsSec(), settings.eps().epsCor(), settings.seed()));
      b.append(String.format(Locale.ROOT, "  simulated secure rate   %12.0f bit/s  (finite-key bound over simulated counts,"
          + " %d frames dropped%s)%n", simulatedBps(), dropped, dropped > 0 ? ": " + lastDropReason : ""));
      b.append(String.format(Locale.ROOT, "  analytic secure rate    %12.0f bit/s  (the same bound at the expected counts)%n",
          analyticBps()));
      b.append(String.format(Locale.ROOT, "  asymptotic secure rate  %12.0f bit/s  (infinite decoys and block; reference only)%n",
          asymptoticBps));
      b.append(String.format(Locale.ROOT, "  ratio simulated/analytic %11.4f%n", ratio()));
      b.append(String.format(Locale.ROOT, "  QBER %.3f %% (key basis Z), %.3f %% (test basis X)%n", 100 * qber(),
          100 * xQber()));
      for (int i = 0; i < blocks.size(); i++) {
        FiniteKeyBound.Result r = blocks.get(i).bound();
        b.append(String.format(Locale.ROOT, "  block %d: s0 >= %.0f, s1 >= %.0f, phase error <= %.4f, leak %.0f, %d secure bits%s%n",
            i + 1, r.vacuumKey(), r.singleKey(), r.phaseError(), r.leakBits(), r.secureBits(),
            r.noKeyReason().map(w -> " (" + w + ")").orElse("")));
      }
      b.append(String.format(Locale.ROOT, "  simulator: %.1fx real time (%s %.2f s for %.2f s of pulses)%n",
          simulatorSpeedup(), cpuClock ? "CPU" : "wall", simulatorSeconds, seconds(pulses)));
      b.append(String.format(Locale.ROOT, "  sifted key per %s-second: %.1f Mbit simulated, %.1f Mbit sifted and"
          + " estimated at both ends (%.2f s)%n", cpuClock ? "CPU" : "wall", simulatorMbitPerSecond(),
          siftingMbitPerSecond(), siftingSeconds));
      return b.toString();
    }

    String json() {
      return new BenchJson().put("km", settings.km()).put("block_bits", settings.blockBits())
          .put("blocks", blocks.size()).put("eps_sec", settings.eps().epsSec()).put("eps_cor", settings.eps().epsCor())
          .put("secure_bps_simulated", simulatedBps(), 1).put("secure_bps_analytic", analyticBps(), 1)
          .put("secure_bps_asymptotic", asymptoticBps, 1).put("ratio", ratio(), 5).put("qber", qber(), 6)
          .put("qber_x", xQber(), 6).put("frames", frames).put("pulses", pulses).put("frames_dropped", dropped)
          .put("frame_slots", settings.params().frameSlots()).put("seed", settings.seed())
          .put("simulator_speedup", simulatorSpeedup(), 2).put("sifted_bits", siftedBits)
          .put("clock", cpuClock ? "cpu" : "wall")
          .put("simulator_mbit_per_s", simulatorMbitPerSecond(), 2).put("sifting_mbit_per_s", siftingMbitPerSecond(), 2)
          .line() + "\n";
    }
  }
}
