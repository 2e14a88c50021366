package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * One-directional traffic, the normal case, on the local ring as four {@code qnode run} processes
 * with 256 KiB pools: ALP-APP1 draws keys for CHA-APP1 until the links out of ALP are dry; in the
 * 15 s after, two clients keep getting keys at the links' own rate (fewer 503s than successes; the
 * pairs per second are printed), because fresh key goes to the direction that asks for it instead
 * of half of it to the idle direction (which, before, filled the cap and stopped the link). Once
 * dry, a link out of ALP says so on ALP's {@code /metrics} ({@code qnode_link_short_of_key 1}: its
 * post-processing would run on the urgent tier).
 *
 * <p>The links are finished-key-sim at a set rate, one 8 KiB frame per second (8 KiB/s, about 128
 * pairs/s of pad on each hop): this test is about how a link's key is shared between its
 * directions, not about the physics; a set rate makes "dry" reachable on every machine. The same
 * run with the default bb84-sim links: {@code -Doned.extra="qnode.device.kind = bb84-sim"} (their
 * finite-key rate on the 35 km link is ~2 KB/s here, arriving a block at a time).
 */
class OneDirectionalTrafficTest {
  private static final List<String> IDS = LocalRing.IDS;
  private static final Duration READY = Duration.ofSeconds(180);
  private static final Duration FIRST_KEY = Duration.ofSeconds(240);
  private static final Duration MEASURE = Duration.ofSeconds(15);
  private static final long POOL = 256 * 1024;

  @TempDir Path dir;
  private final List<StationProcess> processes = new ArrayList<>();
  private EtsiTraffic traffic;

  @AfterEach
  void cleanUp() throws Exception {
    if (traffic != null) {
      traffic.stop(Duration.ofSeconds(30));
    }
    for (StationProcess s : processes) {
      s.close();
    }
  }

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void drainedDirection_keepsServingAtTheLinkRate() throws Exception {
    LocalRing ring = LocalRing.create(dir, "local-small-pools.conf", "OneDirectionalTrafficTest",
        "qnode.device.max-pool-bytes = 256 KiB\n"
            + "qnode.device.kind = finished-key-sim\n"
            + "qnode.device.frame-bytes = 8192\n"
            + "qnode.device.frame-period = 1s\n"
            + System.getProperty("oned.extra", "") + "\n");
    for (String id : IDS) {
      processes.add(StationProcess.start(id, ring.config(), dir.resolve("data/" + id), ring.pki(), dir, "-Xmx1g"));
    }
    for (StationProcess s : processes) {
      s.awaitReady(READY);
    }
    Etsi014Client master = ring.client("ALP", "ALP-APP1", Duration.ofSeconds(15));
    Etsi014Client slave = ring.client("CHA", "CHA-APP1", Duration.ofSeconds(15));
    for (String peer : List.of("BRA", "DEL")) {
      assertThat(ring.metric("ALP", "qnode_link_short_of_key", "peer", peer)).as("ALP-" + peer + " short of key")
          .hasSize(1).allMatch(v -> v == 0.0 || v == 1.0);
    }

    // wait (bounded) for the first key, then for both links out of ALP to fill their 256 KiB pools
    org.awaitility.Awaitility.await("first key").atMost(FIRST_KEY).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          try {
            master.encKeys("CHA-APP1", 1, 256).forEach(k -> k.key().zeroize());
            return true;
          } catch (Etsi014Client.Etsi014Error e) {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(503);
            return false;
          }
        });

    // operators see the supply state too: `qnode admin links --json`, asked at CHA (the cluster's
    // replicated view), shows ALP's end of a link out of ALP short of key at some point of the drain
    // or the traffic after it (polled until seen, one admin process at a time)
    AdminLinksWatch watch = new AdminLinksWatch(ring, "CHA", "ALP");
    watch.start();

    // 1. drain: large requests until the route is dry after more than the pool cap went through
    // (bounded: 75 s; at 8 KiB/s per link that takes ~30 s)
    long[] drained = {0};
    int[] dryAnswers = {0};
    int[] attempts = {0};
    long drainStart = System.nanoTime();
    try {
      // requests back to back while they succeed; a 503 comes back in milliseconds, so the next try
      // waits for the next poll (without that pause the 2,000 attempts were spent in seconds, before
      // the links made the key the loop waits for: CI, 61 successes, 251,808 bytes)
      org.awaitility.Awaitility.await("route ALP -> CHA dry after more than the pool cap")
          .atMost(Duration.ofSeconds(75)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            while (attempts[0] < 2_000) {
              attempts[0]++;
              try {
                master.encKeys("CHA-APP1", 128, 256).forEach(k -> k.key().zeroize());
                drained[0] += 128 * 32 + 32;
              } catch (Etsi014Client.Etsi014Error e) {
                assertThat(e.status()).as(e.getMessage()).isEqualTo(503);
                if (drained[0] > POOL) {
                  dryAnswers[0]++;
                }
                break;
              }
            }
            return dryAnswers[0] >= 3 || attempts[0] >= 2_000;
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // the assertions below say how far the drain got
    }
    String drain = String.format(Locale.ROOT, "bytes drawn ALP -> CHA through 256 KiB pools (%d requests in %.1f s)",
        attempts[0], (System.nanoTime() - drainStart) / 1e9);
    assertThat(drained[0]).as(drain).isGreaterThan(POOL);
    assertThat(dryAnswers[0]).as("the route ran dry before the measurement").isGreaterThanOrEqualTo(3);
    // a drained link is short of key (its post-processing would now run on the urgent tier); the
    // supply keeper judges it every 200 ms or so
    org.awaitility.Awaitility.await("a link out of ALP short of key").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> ring.metric("ALP", "qnode_link_short_of_key", "peer", "BRA").contains(1.0)
            || ring.metric("ALP", "qnode_link_short_of_key", "peer", "DEL").contains(1.0));

    // 2. the 15 s after: ordinary one-key requests from two clients, each key fetched at CHA
    traffic = new EtsiTraffic(master, "ALP-APP1", slave, "CHA-APP1", 256, true, Duration.ZERO);
    long measureStart = System.nanoTime();
    traffic.start(2, MEASURE); // the clients stop by themselves when MEASURE has passed
    org.awaitility.Awaitility.await("clients done").atMost(MEASURE.plusSeconds(30))
        .pollInterval(Duration.ofMillis(200)).until(traffic::allStopped);
    double seconds = (System.nanoTime() - measureStart) / 1e9;
    List<EtsiTraffic.Request> requests = traffic.requests();
    long ok = requests.stream().filter(EtsiTraffic.Request::ok).count();
    long refused = requests.stream().filter(r -> r.status() == 503).count();
    long other = requests.size() - ok - refused;
    Set<String> fetched = new HashSet<>();
    for (EtsiTraffic.Fetch f : traffic.fetches()) {
      if (f.ok()) {
        fetched.add(f.keyId());
      }
    }
    long pairs = requests.stream().filter(r -> r.ok() && fetched.contains(r.keyId())).count();
    System.out.printf(Locale.ROOT,
        "ONE-DIRECTIONAL drained_bytes=%d (ran dry: %s) then %.1f s: pairs=%d (%.1f/s) ok=%d 503=%d other=%d%n",
        drained[0], dryAnswers[0] >= 3, seconds, pairs, pairs / seconds, ok, refused, other);

    watch.stopAndJoin();
    assertThat(watch.seen).as("a link of ALP short of key at ALP in `qnode admin links --json` at CHA, polled "
        + watch.polls + " times; last problem: " + watch.lastProblem).isNotNull();
    System.out.println("ADMIN-LINKS at CHA saw " + watch.seen);

    assertThat(other).as("answers other than success or 503").isZero();
    // the rate itself is a measurement (printed above, kept in docs/performance.md), not asserted:
    // this machine is shared; what must hold is that the direction keeps being served
    assertThat(pairs).as("key pairs in the 15 s after draining").isGreaterThanOrEqualTo(20);
    assertThat(refused).as("503s against " + ok + " successes").isLessThan(ok);
    for (EtsiTraffic.Fetch f : traffic.fetches()) {
      String sent = requests.stream().filter(r -> f.keyId().equals(r.keyId())).findFirst().orElseThrow().sha256();
      assertThat(f.sha256()).as("key " + f.keyId() + " identical at CHA").isEqualTo(sent);
    }
  }

  /**
   * Asks {@code qnode admin links --json} at one station every 500 ms (one admin process at a time,
   * on a scheduler: no sleeping thread) until an end of {@code end} is short of key.
   */
  private static final class AdminLinksWatch {
    private final java.util.concurrent.ScheduledExecutorService timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "admin-links-watch");
          t.setDaemon(true); // a test that failed before stopAndJoin leaves nothing running
          return t;
        });
    private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    private final LocalRing ring;
    private final String askAt;
    private final String end;
    /** The link seen short at {@code end}, with its key use; null until then. */
    volatile String seen;
    volatile String lastProblem = "none";
    volatile int polls;

    AdminLinksWatch(LocalRing ring, String askAt, String end) {
      this.ring = ring;
      this.askAt = askAt;
      this.end = end;
    }

    void start() {
      timer.scheduleWithFixedDelay(this::poll, 0, 500, TimeUnit.MILLISECONDS);
    }

    private void poll() {
      if (seen != null) {
        return;
      }
      polls++;
      try {
        for (com.fasterxml.jackson.databind.JsonNode l : json.readTree(ring.admin(askAt, "links", "--json"))) {
          for (String side : List.of("end_a", "end_b")) {
            com.fasterxml.jackson.databind.JsonNode e = l.get(side);
            if (e.get("station").asText().equals(end) && e.get("short_of_key").asBoolean()) {
              seen = l.get("a").asText() + "-" + l.get("b").asText() + " (key use "
                  + Math.round(l.get("key_use_bytes_per_second").asDouble()) + " B/s)";
            }
          }
        }
      } catch (Exception e) {
        lastProblem = e.toString();
      }
    }

    /** Stops polling; an admin process in flight finishes first (its own bound: 60 s). */
    void stopAndJoin() throws InterruptedException {
      timer.shutdown();
      timer.awaitTermination(70, TimeUnit.SECONDS);
    }
  }
}
