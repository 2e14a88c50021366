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

  /**
   * PERFORMANCE.md target: simulated secure rate within 5 % of the analytic rate. With nu = 0.05
   * the weak-decoy bounds alone cost about 3 %; frames per distance give ~1-10 s of pulses so
   * that statistical noise stays well below 1 %.
   */
  @ParameterizedTest
  @CsvSource({"25, 20", "50, 40", "75, 100", "100, 200"})
  void run_defaultLink_secureRateWithinFivePercentOfAnalytic(double km, int frames) {
    BenchLinkCommand.Settings s =
        new BenchLinkCommand.Settings(Bb84Parameters.defaults(), km, 1, frames, 64, 1e-10, 0.11);
    BenchLinkCommand.Result r = BenchLinkCommand.run(s, () -> Long.MAX_VALUE, done -> {});
    assertThat(r.frames()).isEqualTo(frames);
    assertThat(r.dropped()).isZero();
    assertThat(r.ratio()).as(r.summary()).isBetween(0.95, 1.05);
    assertThat(r.qber()).isBetween(0.013, 0.017);
  }

  @Test
  void run_outOfTime_stopsEarlyWithTheFramesDone() {
    BenchLinkCommand.Settings s =
        new BenchLinkCommand.Settings(Bb84Parameters.defaults().withFrameSlots(1_000_000), 50, 1, 1000, 64, 1e-10, 0.11);
    int[] calls = {0};
    BenchLinkCommand.Result r = BenchLinkCommand.run(s, () -> 3 - calls[0], done -> calls[0] = done);
    assertThat(r.frames()).isEqualTo(3);
  }

  @Test
  void execute_jsonFile_writesAllFields() throws Exception {
    Path json = tmp.resolve("link.json");
    int code = run("--km", "100", "--frames", "3", "--json", json.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("simulated secure rate").contains("ratio");
    String j = Files.readString(json);
    for (String key : new String[] {"km", "secure_bps_simulated", "secure_bps_analytic", "ratio", "qber",
        "frames", "pulses"}) {
      assertThat(j).contains("\"" + key + "\": ");
    }
    assertThat(j).contains("\"km\": 100.0").contains("\"frames\": 3,").contains("\"pulses\": 150000000,");
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
