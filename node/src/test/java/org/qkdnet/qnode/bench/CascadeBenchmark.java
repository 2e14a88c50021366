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
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.CascadeAlice;
import org.qkdnet.qnode.postprocessing.cascade.CascadeBob;
import org.qkdnet.qnode.postprocessing.cascade.CascadeVariant;
import org.qkdnet.qnode.postprocessing.cascade.InProcessCascade;
import org.qkdnet.qnode.postprocessing.cascade.SplitMix64;

/**
 * One frame of Cascade, Alice and Bob in process with messages encoded to bytes, a fresh
 * permutation seed (so fresh permutations) every invocation. Time per frame; Mbit/s = bits / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class CascadeBenchmark {
  @Param({"100000", "1000000"})
  public int bits;

  @Param({"YANETAL", "OPTION7", "ORIGINAL"})
  public String variant;

  @Param({"0.02"})
  public double qber;

  private final SplitMix64 rng = new SplitMix64(17);
  private BitString alice;
  private BitString bob;
  private long frame;

  @Setup(Level.Trial)
  public void frames() {
    alice = InProcessCascade.randomFrame(bits, rng);
    bob = InProcessCascade.withErrors(alice, qber, rng);
  }

  @Benchmark
  public long reconcileFrame() {
    long seed = rng.nextLong();
    frame++;
    CascadeAlice a = new CascadeAlice(frame, alice, seed);
    CascadeBob b = new CascadeBob(frame, bob, CascadeVariant.valueOf(variant), qber, seed);
    return InProcessCascade.run(a, b).leakedBits();
  }
}
