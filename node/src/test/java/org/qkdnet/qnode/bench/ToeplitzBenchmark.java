package org.qkdnet.qnode.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.qkdnet.qnode.postprocessing.amplification.SingleFftToeplitz;
import org.qkdnet.qnode.postprocessing.amplification.ToeplitzHash;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.InProcessCascade;
import org.qkdnet.qnode.postprocessing.cascade.SplitMix64;

/**
 * Toeplitz hashing of an n-bit block to n/2 bits: the blocked hash ({@code impl=blocked},
 * {@code threads} = its parallelism, JTransforms on one thread) against the earlier single-FFT
 * hash ({@code impl=single}, {@code threads} = JTransforms threads). Sample time, so the report
 * has medians (p0.50).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class ToeplitzBenchmark {
  @Param({"1000000", "10000000"})
  public int bits;

  @Param({"blocked", "single"})
  public String impl;

  @Param({"1", "2"})
  public int threads;

  private BitString input;
  private BitString seed;

  @Setup(Level.Trial)
  public void blocks() {
    pl.edu.icm.jlargearrays.ConcurrencyUtils.setNumberOfThreads(
        impl.equals("single") ? threads : 1);
    SplitMix64 rng = new SplitMix64(3);
    input = InProcessCascade.randomFrame(bits, rng);
    seed = InProcessCascade.randomFrame(ToeplitzHash.seedBits(bits, bits / 2), rng);
  }

  @Benchmark
  public BitString hash() {
    return impl.equals("single")
        ? SingleFftToeplitz.hash(input, seed, bits / 2)
        : ToeplitzHash.hash(input, seed, bits / 2, threads);
  }
}
