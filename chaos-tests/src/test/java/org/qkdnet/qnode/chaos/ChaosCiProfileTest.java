package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ci profile of the chaos suite with a fixed seed, as part of {@code mvn verify}: at least 12
 * scenarios covering every fault kind (all nine: {@link Schedule#KINDS}), at least 5,000 relays ok
 * in all, and no invariant violated. Where the network lab or a small disk cannot be had (not
 * root, no ip or nft), the suite skips partition, link-cut or disk-full saying why, and this test
 * checks the rest and then aborts with that reason as its assumption message.
 * The report goes to {@code target/chaos-ci-profile/report.json} (and .html). Same as
 * {@code chaos-tests/run --profile ci --seed 20261206}.
 *
 * <p>About 10 minutes on two cores. Its runs found two key losses in the fetch, both fixed: a
 * station crashing between deleting a fetched key and sending the dec_keys answer (the fetch is now
 * two-step: keys handed out, deleted once the answer went out; the crash point between the steps,
 * keystore.afterHandOut, is one of this profile's), and an answer counted sent when the HTTP
 * server took it, before its bytes left the process (now deleted a moment later, and an orderly
 * stop lets answers in flight go out first).
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
    assertThat(o.violations()).as("violations (see " + work.resolve("report.html") + ")").isZero();
    assertThat(o.relaysOk()).as("relays ok in all").isGreaterThanOrEqualTo(5_000);
    // what every machine runs: the faults that need nothing beyond processes and loopback
    assertThat(kinds).contains("kill", "pause", "restart-all", "rolling-restart", "crash-point", "clock-skew");
    // partition and link-cut need the network lab, disk-full a small disk (root): without them
    // the suite skips those scenarios, and this test says so rather than passing as if it ran them
    Assumptions.assumeTrue(o.skipped().isEmpty(), () -> "the ci profile ran without " + o.skipped().stream()
        .map(ChaosSuite.Skipped::toString).toList() + "; the rest had no violation");
    assertThat(o.scenarios()).hasSizeGreaterThanOrEqualTo(12);
    assertThat(kinds).containsExactlyInAnyOrderElementsOf(Schedule.KINDS);
  }
}
