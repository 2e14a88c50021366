package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The entry point of {@code chaos-tests/run}: runs the profile, seed and scenarios given as system
 * properties ({@code chaos.profile}, {@code chaos.seed}, {@code chaos.scenarios} comma-separated,
 * {@code chaos.report} the JSON file; the HTML page goes next to it, {@code chaos.work} the work
 * directory) and fails if any invariant was violated. Skipped unless {@code chaos.profile} is set.
 */
@EnabledIfSystemProperty(named = "chaos.profile", matches = "ci|soak")
class ChaosSuiteTest {
  @Test
  @Timeout(value = 90, unit = TimeUnit.MINUTES)
  void runProfile_noViolations() throws Exception {
    String profile = System.getProperty("chaos.profile");
    long seed = Long.parseLong(System.getProperty("chaos.seed", "1"));
    String only = System.getProperty("chaos.scenarios", "");
    List<String> names = only.isBlank() ? List.of() : Arrays.stream(only.split(",")).map(String::trim).toList();
    Path work = Path.of(System.getProperty("chaos.work", "target/chaos-" + profile)).toAbsolutePath();
    Path report = Path.of(System.getProperty("chaos.report", work.resolve("report.json").toString())).toAbsolutePath();

    ChaosSuite.Outcome o = ChaosRun.runAndReport(new ChaosSuite.Options(profile, seed, names, work), report);

    assertThat(Files.exists(report)).isTrue();
    assertThat(o.violations()).as("violations (see " + report + ")").isZero();
  }
}
