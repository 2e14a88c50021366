package org.qkdnet.qnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qkdnet.qnode.device.sim.Bb84Parameters;
import org.qkdnet.qnode.device.sim.FiniteKeyRate;
import org.qkdnet.qnode.postprocessing.estimation.EpsilonBudget;
import picocli.CommandLine;

class BenchLinkCommandTest {
  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new BenchLinkCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private static BenchLinkCommand.Settings settings(Bb84Parameters p, double km, long blockBits, int blocks) {
    return new BenchLinkCommand.Settings(p, km, 1, blockBits, blocks, EpsilonBudget.DEFAULTS, 128, 0.11);
  }

  /**
   * The check: the finite-key rate from simulated counts within 5 % of the same bound at
   * the expected counts, for the default block (1e6 sifted bits) at 25/50/75/100 km. A block's
   * counts fluctuate by about 0.1 %; the bound amplifies that a few times at most.
   */
  @ParameterizedTest
  @CsvSource({"25", "50", "75", "100"})
  void run_defaultBlock_simulatedWithinFivePercentOfAnalytic_belowAsymptotic(double km) {
    BenchLinkCommand.Result r = BenchLinkCommand.run(settings(Bb84Parameters.defaults(), km, 1_000_000, 1),
        () -> Long.MAX_VALUE, (b, k) -> {});
    assertThat(r.blocks()).hasSize(1);
    assertThat(r.dropped()).isZero();
    assertThat(r.simulatedBps()).as(r.summary()).isPositive();
    assertThat(r.ratio()).as(r.summary()).isBetween(0.95, 1.05);
    assertThat(r.simulatedBps()).as(r.summary()).isLessThan(r.asymptoticBps());
    assertThat(r.qber()).isBetween(0.012, 0.018);
  }

  @Test
  void run_dephasingChannel_xBasisErrorsCostKey_noneBeforeTheAbortThreshold() {
    double previous = Double.MAX_VALUE;
    for (double ex : new double[] {0.015, 0.04, 0.07}) {
      BenchLinkCommand.Result r = BenchLinkCommand.run(
          settings(Bb84Parameters.defaults().withFrameSlots(10_000_000).withMisalignmentErrorX(ex), 25, 1_000_000, 1),
          () -> Long.MAX_VALUE, (b, k) -> {});
      assertThat(r.qber()).as("Z basis unchanged").isBetween(0.012, 0.018);
      assertThat(r.simulatedBps()).as(r.summary()).isLessThan(previous);
      previous = r.simulatedBps();
    }
    // Where the bound leaves no key: the smallest X-basis misalignment at which the block's
    // expected counts give 0 bits must lie below the 11 % abort threshold, and a simulated block
    // just above it yields nothing although its frames pass the per-frame check.
    Bb84Parameters base = Bb84Parameters.defaults().withFrameSlots(10_000_000);
    double zeroAt = -1;
    for (double ex = 0.015; ex <= 0.11; ex += 0.0025) {
      if (FiniteKeyRate.block(base.withMisalignmentErrorX(ex), 25, 1_000_000, BenchLinkCommand.F, 128,
          EpsilonBudget.DEFAULTS).secureBits() == 0) {
        zeroAt = ex;
        break;
      }
    }
    assertThat(zeroAt).as("the proof leaves no key before the abort threshold").isBetween(0.05, 0.11);
    BenchLinkCommand.Result clean = BenchLinkCommand.run(settings(base, 25, 1_000_000, 1), () -> Long.MAX_VALUE,
        (b, k) -> {});
    BenchLinkCommand.Result high = BenchLinkCommand.run(settings(base.withMisalignmentErrorX(zeroAt), 25, 1_000_000, 1),
        () -> Long.MAX_VALUE, (b, k) -> {});
    assertThat(high.xQber()).isLessThan(0.11);
    assertThat(high.blocks()).hasSize(1);
    // at the proof's zero the simulated block keeps at most the statistical noise of its counts
    assertThat(high.blocks().get(0).bound().secureBits()).as(high.summary())
        .isLessThan(clean.blocks().get(0).bound().secureBits() / 100);
  }

  @Test
  void analytic_growsWithTheBlock_staysBelowAsymptotic() {
    Bb84Parameters p = Bb84Parameters.defaults();
    double asymptotic = FiniteKeyRate.asymptoticBitsPerSecond(p, 50, BenchLinkCommand.F);
    double previous = 0;
    for (long block : new long[] {200_000, 1_000_000, 10_000_000, 100_000_000}) {
      double bps = FiniteKeyRate.secureBitsPerSecond(p, 50, block, BenchLinkCommand.F, 128, EpsilonBudget.DEFAULTS);
      assertThat(bps).as("block " + block).isGreaterThan(previous).isLessThan(asymptotic);
      previous = bps;
    }
  }

  @Test
  void run_outOfTime_stopsEarlyWithTheBlocksDone() {
    int[] calls = {0};
    BenchLinkCommand.Result r = BenchLinkCommand.run(settings(Bb84Parameters.defaults().withFrameSlots(1_000_000), 50,
        1_000_000, 3), () -> 3 - calls[0], (b, k) -> calls[0]++);
    assertThat(r.frames()).isEqualTo(3);
    assertThat(r.blocks()).isEmpty();
  }

  @Test
  void execute_jsonFile_writesAllFields() throws Exception {
    Path json = tmp.resolve("link.json");
    int code = run("--km", "50", "--block-bits", "2e5", "--frame-slots", "20000000", "--json", json.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("simulated secure rate").contains("asymptotic secure rate")
        .contains("Mbit sifted and estimated at both ends");
    String j = Files.readString(json);
    assertThat(j).doesNotContain("\"sifted_bits\": 0,");
    for (String key : new String[] {"km", "block_bits", "eps_sec", "secure_bps_simulated", "secure_bps_analytic",
        "secure_bps_asymptotic", "ratio", "qber", "frames", "pulses", "sifted_bits", "clock",
        "simulator_mbit_per_s", "sifting_mbit_per_s"}) {
      assertThat(j).contains("\"" + key + "\": ");
    }
    assertThat(j).contains("\"km\": 50.0").contains("\"block_bits\": 200000,").contains("\"eps_sec\": 1.0E-10,");
  }

  @Test
  void execute_badBlockOrEpsilon_namesTheOption() {
    assertThat(run("--km", "10", "--block-bits", "10")).isEqualTo(2);
    assertThat(err.toString()).contains("--block-bits");
    assertThat(run("--km", "10", "--eps-sec", "2")).isEqualTo(2);
    assertThat(err.toString()).contains("eps-sec");
  }

  @Test
  void execute_badKm_exitsWithUsageError() {
    assertThat(run("--km", "-5")).isEqualTo(2);
    assertThat(err.toString()).contains("--km -5.0 is outside 0..300");
  }

  @Test
  void execute_badFrameSlots_namesTheField() {
    assertThat(run("--km", "10", "--frame-slots", "3")).isEqualTo(2);
    assertThat(err.toString()).contains("frame-slots");
  }
}
