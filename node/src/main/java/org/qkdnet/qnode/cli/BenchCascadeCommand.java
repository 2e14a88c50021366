package org.qkdnet.qnode.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.CascadeAlice;
import org.qkdnet.qnode.postprocessing.cascade.CascadeBob;
import org.qkdnet.qnode.postprocessing.cascade.CascadeVariant;
import org.qkdnet.qnode.postprocessing.cascade.InProcessCascade;
import org.qkdnet.qnode.postprocessing.cascade.SplitMix64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qnode bench cascade}: reconciles random frames with binary-symmetric noise. By default
 * between two stations' reconciliation actors (two actor systems in this JVM, LinkService over
 * loopback mutual TLS, {@code --in-flight} frames at once); with {@code --over in-process},
 * Alice and Bob exchange the Cascade messages as bytes on one thread. Only the reconciliation is
 * timed (not frame generation).
 */
@Command(name = "cascade", mixinStandardHelpOptions = true,
    description = "Benchmark Cascade reconciliation between two stations over loopback gRPC (or in "
        + "process): efficiency, frame error rate, speed and round trips.")
public final class BenchCascadeCommand implements Callable<Integer> {
  static final int EXIT_OK = BenchOutput.EXIT_OK;
  static final int EXIT_IO = BenchOutput.EXIT_IO;
  static final int EXIT_BAD_INPUT = BenchOutput.EXIT_BAD_INPUT;
  private static final long PROGRESS_NANOS = 5_000_000_000L;

  @Spec
  private CommandSpec spec;

  @Option(names = "--bits", paramLabel = "N", required = true,
      description = "Frame length in sifted bits.")
  private int bits;

  @Option(names = "--qber", paramLabel = "Q", required = true,
      description = "Bit error rate of the simulated channel, e.g. 0.02.")
  private double qber;

  @Option(names = "--frames", paramLabel = "K", defaultValue = "20",
      description = "Frames to measure. Default: ${DEFAULT-VALUE}.")
  private int frames;

  @Option(names = "--variant", paramLabel = "V", defaultValue = "yanetal",
      description = "original, yanetal or option7. Default: ${DEFAULT-VALUE}.")
  private String variant;

  @Option(names = "--warmup", paramLabel = "W", defaultValue = "3",
      description = "Frames run first and not counted (JIT warm-up). Default: ${DEFAULT-VALUE}.")
  private int warmup;

  @Option(names = "--seed", defaultValue = "1",
      description = "Seed of the frames, noise and permutations. Default: ${DEFAULT-VALUE}.")
  private long seed;

  @Option(names = "--max-seconds", defaultValue = "900",
      description = "Stop after this long, reporting the frames done. Default: ${DEFAULT-VALUE}.")
  private long maxSeconds;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON.")
  private Path json;

  @Option(names = "--over", paramLabel = "T", defaultValue = "grpc",
      description = "grpc (Alice's and Bob's reconciliation actors in two actor systems, LinkService over "
          + "loopback mutual TLS) or in-process (one thread, messages as bytes: the algorithm alone). "
          + "Default: ${DEFAULT-VALUE}.")
  private String over;

  @Option(names = "--in-flight", paramLabel = "F", defaultValue = "8",
      description = "With --over grpc: frames reconciled at once (1..64). Default: ${DEFAULT-VALUE}.")
  private int inFlight;

  @Override
  public Integer call() {
    CascadeVariant v;
    try {
      v = CascadeVariant.parse(variant);
      v.blockSize(1, qber, Math.max(bits, 1));
    } catch (IllegalArgumentException e) {
      return BenchOutput.fail(spec, EXIT_BAD_INPUT, e.getMessage());
    }
    if (bits < 64 || frames < 1 || warmup < 0 || maxSeconds < 1 || qber <= 0) {
      return BenchOutput.fail(spec, EXIT_BAD_INPUT, "need --bits ≥ 64, --frames ≥ 1, --warmup ≥ 0, "
          + "--max-seconds ≥ 1 and --qber > 0");
    }
    if (!over.equals("in-process") && !over.equals("grpc")) {
      return BenchOutput.fail(spec, EXIT_BAD_INPUT, "--over must be in-process or grpc, got '" + over + "'");
    }
    if (inFlight < 1 || inFlight > 64) {
      return BenchOutput.fail(spec, EXIT_BAD_INPUT, "--in-flight must be in 1..64");
    }
    SplitMix64 rng = new SplitMix64(seed);
    if (over.equals("grpc")) {
      return overGrpc(v, rng);
    }
    for (int i = 0; i < warmup; i++) {
      runFrame(-1 - i, v, rng);
    }
    long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
    long nextProgress = System.nanoTime() + PROGRESS_NANOS;
    double effSum = 0;
    long rounds = 0;
    long nanos = 0;
    long bytes = 0;
    int bad = 0;
    int done = 0;
    for (; done < frames && System.nanoTime() < deadline; done++) {
      Frame f = runFrame(done, v, rng);
      effSum += f.efficiency;
      rounds += f.result.roundTrips();
      nanos += f.nanos;
      bytes += f.result.questionBytes() + f.result.answerBytes();
      bad += f.ok ? 0 : 1;
      if (System.nanoTime() > nextProgress) {
        spec.commandLine().getErr().printf(Locale.ROOT, "cascade: %d/%d frames, f=%.4f%n",
            done + 1, frames, effSum / (done + 1));
        spec.commandLine().getErr().flush();
        nextProgress += PROGRESS_NANOS;
      }
    }
    double mbps = (double) bits * done / (nanos / 1e9) / 1e6;
    BenchJson result = new BenchJson().put("bits", bits).put("qber", qber).put("frames", done)
        .put("variant", v.name().toLowerCase(Locale.ROOT)).put("efficiency_mean", effSum / done, 5)
        .put("frame_error_rate", bad / (double) done, 5).put("mbit_per_s", mbps, 3)
        .put("round_trips_mean", rounds / (double) done, 1);
    if (done > 0) {
      result.put("message_bytes_mean", bytes / done);
    } else {
      result.node().putNull("message_bytes_mean");
    }
    return BenchOutput.emit(spec, json, result);
  }


  /**
   * Frames through two stations' reconciliation actors over LinkService, {@code inFlight} at a
   * time; Mbit/s is sifted bits over the wall time of the measured frames (frame generation
   * excluded: frames are made before the clock starts).
   */
  private int overGrpc(CascadeVariant v, SplitMix64 rng) {
    try (CascadeOverGrpc link = new CascadeOverGrpc()) {
      runBatch(link, v, rng, warmup, -1_000_000L);
      Batch b = runBatch(link, v, rng, frames, 0);
      BenchJson result = new BenchJson().put("bits", bits).put("qber", qber).put("frames", b.done)
          .put("variant", v.name().toLowerCase(Locale.ROOT)).put("efficiency_mean", b.effSum / b.done, 5)
          .put("frame_error_rate", b.bad / (double) b.done, 5)
          .put("mbit_per_s", (double) bits * b.done / (b.nanos / 1e9) / 1e6, 3)
          .put("round_trips_mean", b.rounds / (double) b.done, 1).put("over", "grpc").put("in_flight", inFlight)
          .put("cpu_seconds", b.cpuNanos / 1e9, 2)
          .put("mbit_per_cpu_s", (double) bits * b.done / (b.cpuNanos / 1e9) / 1e6, 3);
      return BenchOutput.emit(spec, json, result);
    } catch (Exception e) {
      return BenchOutput.fail(spec, EXIT_IO, "cascade over gRPC failed: " + e);
    }
  }

  private static final class Batch {
    int done;
    int bad;
    double effSum;
    long rounds;
    long nanos;
    /** CPU time of the whole process (both stations, gRPC, TLS, GC, JIT) during the batch. */
    long cpuNanos;
  }

  private Batch runBatch(CascadeOverGrpc link, CascadeVariant v, SplitMix64 rng, int count, long firstId)
      throws Exception {
    List<BitString[]> pairs = new ArrayList<>();
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      BitString a = InProcessCascade.randomFrame(bits, rng);
      pairs.add(new BitString[] {a, InProcessCascade.withErrors(a, qber, rng)});
      seeds.add(rng.nextLong());
    }
    Batch b = new Batch();
    long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
    long t0 = System.nanoTime();
    long cpu0 = processCpuNanos();
    java.util.ArrayDeque<java.util.concurrent.CompletableFuture<Void>> running = new java.util.ArrayDeque<>();
    for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
      while (running.size() >= inFlight) {
        running.poll().get(10, java.util.concurrent.TimeUnit.MINUTES);
      }
      BitString a = pairs.get(i)[0];
      BitString bob = pairs.get(i)[1];
      int errors = a.hammingDistance(bob);
      running.add(link.reconcile(firstId + i, a, bob, v, qber, seeds.get(i)).toCompletableFuture()
          .thenAccept(o -> {
            synchronized (b) {
              b.done++;
              b.rounds += o.roundTrips();
              boolean ok = o.failure().isEmpty() && o.corrected().contentEquals(a);
              b.bad += ok ? 0 : 1;
              b.effSum += InProcessCascade.efficiency(o.leakedBits(), bits, errors);
              if (o.corrected() != null) {
                o.corrected().zeroize();
              }
            }
          }));
    }
    while (!running.isEmpty()) {
      running.poll().get(10, java.util.concurrent.TimeUnit.MINUTES);
    }
    b.nanos = System.nanoTime() - t0;
    b.cpuNanos = processCpuNanos() - cpu0;
    return b;
  }

  /** CPU time used by this JVM so far (all threads), or 0 where the platform does not say. */
  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? Math.max(0, sun.getProcessCpuTime()) : 0;
  }

  private record Frame(InProcessCascade.Result result, double efficiency, boolean ok,
      long nanos) {}

  private Frame runFrame(long frameId, CascadeVariant v, SplitMix64 rng) {
    BitString alice = InProcessCascade.randomFrame(bits, rng);
    BitString bob = InProcessCascade.withErrors(alice, qber, rng);
    int errors = alice.hammingDistance(bob);
    long permutationSeed = rng.nextLong();
    long t0 = System.nanoTime();
    CascadeAlice a = new CascadeAlice(frameId, alice, permutationSeed);
    CascadeBob b = new CascadeBob(frameId, bob, v, qber, permutationSeed);
    InProcessCascade.Result r = InProcessCascade.run(a, b);
    long dt = System.nanoTime() - t0;
    boolean ok = b.correctedKey().contentEquals(alice);
    return new Frame(r, InProcessCascade.efficiency(r.leakedBits(), bits, errors), ok, dt);
  }

}
