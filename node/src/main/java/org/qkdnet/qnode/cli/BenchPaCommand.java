package org.qkdnet.qnode.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.qkdnet.qnode.postprocessing.amplification.SingleFftToeplitz;
import org.qkdnet.qnode.postprocessing.amplification.ToeplitzHash;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.InProcessCascade;
import org.qkdnet.qnode.postprocessing.cascade.SplitMix64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qnode bench pa}: Toeplitz privacy amplification of random blocks with a fresh seed
 * each time; reports the median speed in input bits. {@code --impl both} runs the blocked
 * implementation and the earlier single-FFT one alternately on the same blocks, so the ratio is
 * measured under the same machine load.
 */
@Command(name = "pa", mixinStandardHelpOptions = true,
    description = "Benchmark Toeplitz privacy amplification (FFT).")
public final class BenchPaCommand implements Callable<Integer> {
  static final int EXIT_OK = BenchOutput.EXIT_OK;
  static final int EXIT_IO = BenchOutput.EXIT_IO;
  static final int EXIT_BAD_INPUT = BenchOutput.EXIT_BAD_INPUT;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  @Spec
  private CommandSpec spec;

  @Option(names = "--bits", paramLabel = "N", required = true,
      description = "Input block length in bits.")
  private int bits;

  @Option(names = "--out-ratio", defaultValue = "0.5",
      description = "Output length as a fraction of the input. Default: ${DEFAULT-VALUE}.")
  private double outRatio;

  @Option(names = "--reps", defaultValue = "10",
      description = "Measured blocks. Default: ${DEFAULT-VALUE}.")
  private int reps;

  @Option(names = "--warmup", defaultValue = "3",
      description = "Blocks run first and not counted. Default: ${DEFAULT-VALUE}.")
  private int warmup;

  @Option(names = "--threads", defaultValue = "1",
      description = "Threads: parallel transforms for the blocked hash (JTransforms itself on "
          + "one thread), JTransforms threads for the single-FFT hash. Default: ${DEFAULT-VALUE}.")
  private int threads;

  /** Which implementation to time. */
  enum Impl { blocked, single, both }

  @Option(names = "--impl", defaultValue = "blocked",
      description = "blocked, single (the earlier one-FFT hash) or both alternately. "
          + "Default: ${DEFAULT-VALUE}.")
  private Impl impl;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON.")
  private Path json;

  @Option(names = "--parallel-frames", defaultValue = "1",
      description = "Station throughput: hash this many frames at once, one per thread (blocked "
          + "implementation, one thread per hash); reports input Mbit/s of all of them together. "
          + "Default: ${DEFAULT-VALUE}.")
  private int parallelFrames;

  @Override
  public Integer call() {
    int m = (int) Math.round(bits * outRatio);
    if (bits < 2 || reps < 1 || warmup < 0 || threads < 1 || m < 1 || m > bits) {
      return BenchOutput.fail(spec, EXIT_BAD_INPUT, "need --bits ≥ 2, --reps ≥ 1, --warmup ≥ 0, --threads ≥ 1 "
          + "and 0 < --out-ratio ≤ 1");
    }
    if (parallelFrames < 1 || parallelFrames > 64) {
      return BenchOutput.fail(spec, EXIT_BAD_INPUT, "--parallel-frames must be 1..64");
    }
    if (parallelFrames > 1) {
      return stationThroughput(m);
    }
    SplitMix64 rng = new SplitMix64(1);
    long[] blocked = new long[reps];
    long[] single = new long[reps];
    long[] blockedCpu = new long[reps];
    long[] singleCpu = new long[reps];
    for (int i = -warmup; i < reps; i++) {
      BitString x = InProcessCascade.randomFrame(bits, rng);
      BitString seed = InProcessCascade.randomFrame(ToeplitzHash.seedBits(bits, m), rng);
      // alternate which one goes first so neither always runs on a warmer cache
      boolean blockedFirst = (i & 1) == 0;
      for (int k = 0; k < 2; k++) {
        boolean runBlocked = (k == 0) == blockedFirst;
        if (runBlocked && impl != Impl.single) {
          long c0 = THREADS.getCurrentThreadCpuTime();
          long dt = timeBlocked(x, seed, m);
          long dc = THREADS.getCurrentThreadCpuTime() - c0;
          if (i >= 0) {
            blocked[i] = dt;
            blockedCpu[i] = dc;
          }
        } else if (!runBlocked && impl != Impl.blocked) {
          long c0 = THREADS.getCurrentThreadCpuTime();
          long dt = timeSingle(x, seed, m);
          long dc = THREADS.getCurrentThreadCpuTime() - c0;
          if (i >= 0) {
            single[i] = dt;
            singleCpu[i] = dc;
          }
        }
      }
    }
    // on one thread, the caller's CPU time is the whole work and hardly depends on other load
    BenchJson result;
    if (impl == Impl.both) {
      double b = median(blocked);
      double s = median(single);
      result = new BenchJson().put("bits", bits).put("out_bits", m).put("threads", threads)
          .put("mbit_per_s", bits / (b / 1e9) / 1e6, 2).put("median_ms", b / 1e6, 2)
          .put("single_fft_mbit_per_s", bits / (s / 1e9) / 1e6, 2).put("single_fft_median_ms", s / 1e6, 2)
          .put("speedup", s / b, 2).put("caller_cpu_median_ms", median(blockedCpu) / 1e6, 2)
          .put("single_fft_caller_cpu_median_ms", median(singleCpu) / 1e6, 2);
    } else {
      long[] times = impl == Impl.single ? single : blocked;
      long[] cpu = impl == Impl.single ? singleCpu : blockedCpu;
      double med = median(times);
      result = new BenchJson().put("bits", bits).put("out_bits", m).put("threads", threads)
          .put("impl", impl.name()).put("mbit_per_s", bits / (med / 1e9) / 1e6, 2).put("median_ms", med / 1e6, 2)
          .put("caller_cpu_median_ms", median(cpu) / 1e6, 2);
    }
    return BenchOutput.emit(spec, json, result);
  }

  /**
   * Several frames hashed at once, as a station with several links does: wall time of each round
   * of {@code parallelFrames} concurrent hashes, median over {@code reps} rounds.
   */
  private int stationThroughput(int m) {
    pl.edu.icm.jlargearrays.ConcurrencyUtils.setNumberOfThreads(1);
    SplitMix64 rng = new SplitMix64(1);
    BitString[] xs = new BitString[parallelFrames];
    BitString[] seeds = new BitString[parallelFrames];
    for (int t = 0; t < parallelFrames; t++) {
      xs[t] = InProcessCascade.randomFrame(bits, rng);
      seeds[t] = InProcessCascade.randomFrame(ToeplitzHash.seedBits(bits, m), rng);
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallelFrames);
    long[] rounds = new long[reps];
    try {
      for (int i = -warmup; i < reps; i++) {
        java.util.List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < parallelFrames; t++) {
          int k = t;
          fs.add(pool.submit(() -> ToeplitzHash.hash(xs[k], seeds[k], m, 1)));
        }
        for (java.util.concurrent.Future<?> f : fs) {
          f.get();
        }
        if (i >= 0) {
          rounds[i] = System.nanoTime() - t0;
        }
      }
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      return BenchOutput.fail(spec, EXIT_IO, "hashing failed: " + e);
    } finally {
      pool.shutdownNow();
    }
    double med = median(rounds);
    BenchJson result = new BenchJson().put("bits", bits).put("out_bits", m).put("parallel_frames", parallelFrames)
        .put("mbit_per_s", (double) parallelFrames * bits / (med / 1e9) / 1e6, 2)
        .put("round_median_ms", med / 1e6, 2).put("cores", Runtime.getRuntime().availableProcessors());
    return BenchOutput.emit(spec, json, result);
  }


  private long timeBlocked(BitString x, BitString seed, int m) {
    pl.edu.icm.jlargearrays.ConcurrencyUtils.setNumberOfThreads(1);
    long t0 = System.nanoTime();
    ToeplitzHash.hash(x, seed, m, threads);
    return System.nanoTime() - t0;
  }

  private long timeSingle(BitString x, BitString seed, int m) {
    pl.edu.icm.jlargearrays.ConcurrencyUtils.setNumberOfThreads(threads);
    long t0 = System.nanoTime();
    SingleFftToeplitz.hash(x, seed, m);
    return System.nanoTime() - t0;
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

}
