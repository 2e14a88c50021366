package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ci profile of the chaos suite with a fixed seed, as part of {@code mvn verify}: at least 12
 * scenarios covering every fault kind, at least 5,000 relays ok in all, and no invariant violated.
 * The report goes to {@code target/chaos-ci-profile/report.json} (and .html). Same as
 * {@code chaos-tests/run --profile ci --seed 20261206}.
 */
class ChaosCiProfileTest {
  static final long SEED = 20261206L;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void ciProfile_everyFaultKind_atLeast5000Relays_noViolations() throws Exception {
    Path work = Path.of("target/chaos-ci-profile").toAbsolutePath();

    ChaosSuite.Outcome o = ChaosRun.runAndReport(new ChaosSuite.Options("ci", SEED, List.of(), work),
        work.resolve("report.json"));

    Set<String> kinds = new TreeSet<>();
    o.scenarios().forEach(s -> s.faults().forEach(f -> kinds.add(f.substring(0, f.indexOf(':')))));
    assertThat(o.scenarios()).hasSizeGreaterThanOrEqualTo(12);
    assertThat(kinds).contains("kill", "pause", "restart-all", "rolling-restart", "crash-point");
    assertThat(o.violations()).as("violations (see " + work.resolve("report.html") + ")").isZero();
    assertThat(o.relaysOk()).as("relays ok in all").isGreaterThanOrEqualTo(5_000);
  }
}
