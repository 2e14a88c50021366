package org.qkdnet.qnode.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
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
 * each time; reports the median speed in input bits.
 */
@Command(name = "pa", mixinStandardHelpOptions = true,
    description = "Benchmark Toeplitz privacy amplification (FFT).")
public final class BenchPaCommand implements Callable<Integer> {
  static final int EXIT_OK = 0;
  static final int EXIT_IO = 1;
  static final int EXIT_BAD_INPUT = 2;

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
      description = "FFT threads (JTransforms). Default: ${DEFAULT-VALUE}.")
  private int threads;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON.")
  private Path json;

  @Override
  public Integer call() {
    int m = (int) Math.round(bits * outRatio);
    if (bits < 2 || reps < 1 || warmup < 0 || threads < 1 || m < 1 || m > bits) {
      return fail(EXIT_BAD_INPUT, "need --bits ≥ 2, --reps ≥ 1, --warmup ≥ 0, --threads ≥ 1 "
          + "and 0 < --out-ratio ≤ 1");
    }
    pl.edu.icm.jlargearrays.ConcurrencyUtils.setNumberOfThreads(threads);
    SplitMix64 rng = new SplitMix64(1);
    long[] nanos = new long[reps];
    for (int i = -warmup; i < reps; i++) {
      BitString x = InProcessCascade.randomFrame(bits, rng);
      BitString seed = InProcessCascade.randomFrame(ToeplitzHash.seedBits(bits, m), rng);
      long t0 = System.nanoTime();
      ToeplitzHash.hash(x, seed, m);
      long dt = System.nanoTime() - t0;
      if (i >= 0) {
        nanos[i] = dt;
      }
    }
    Arrays.sort(nanos);
    long median = nanos[reps / 2];
    String result = String.format(Locale.ROOT,
        "{\"bits\": %d, \"out_bits\": %d, \"threads\": %d, \"mbit_per_s\": %.2f, "
            + "\"median_ms\": %.2f}",
        bits, m, threads, bits / (median / 1e9) / 1e6, median / 1e6);
    spec.commandLine().getOut().println(result);
    spec.commandLine().getOut().flush();
    if (json != null) {
      try {
        Files.writeString(json, result + "\n");
      } catch (IOException e) {
        return fail(EXIT_IO, "cannot write " + json + ": " + e.getMessage());
      }
    }
    return EXIT_OK;
  }

  private int fail(int code, String message) {
    spec.commandLine().getErr().println("pa: " + message);
    spec.commandLine().getErr().flush();
    return code;
  }
}
