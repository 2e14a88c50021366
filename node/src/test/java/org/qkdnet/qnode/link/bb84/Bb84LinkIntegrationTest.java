package org.qkdnet.qnode.link.bb84;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.admin.NetworkPicture;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.PadReservation;
import org.qkdnet.qnode.station.Station;

/**
 * Two stations in one JVM joined by one bb84-sim link over real LinkService (mutual TLS): the
 * post-processed key lands identically in both pools, and Cascade ran on the pinned dispatcher. A
 * third station hangs on a link whose errors are above abort-qber (every frame dropped); the
 * figures each end publishes reach the whole cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Bb84LinkIntegrationTest {
  private static final String TOPOLOGY = """
      qnode.topology {
        name = pair
        description = "Two stations, one bb84-sim link"
        stations = [
          { id = AAA, name = "A", role = backbone, lat = 30.0, lon = 114.0 }
          { id = BBB, name = "B", role = backbone, lat = 30.1, lon = 114.1 }
          { id = CCC, name = "C", role = relay, lat = 30.2, lon = 114.2 }
        ]
        # this link's optics are worse than the default (1.5 %) in both bases: a per-link override
        links = [
          { a = AAA, b = BBB, km = 25, bb84 { misalignment-error = 0.04, misalignment-error-x = 0.04 } }
          # QBER about 20 %, above abort-qber (11 %): no key, every frame dropped before Cascade
          { a = BBB, b = CCC, km = 25, bb84 { misalignment-error = 0.2, misalignment-error-x = 0.2 } }
        ]
        saes = [
          { id = "AAA-APP", station = AAA, description = "app at A" }
          { id = "BBB-APP", station = BBB, description = "app at B" }
        ]
        operators = [ "admin" ]
      }
      qnode.device.kind = "bb84-sim"
      qnode.device.bb84.frame-slots = 2000000
      """;

  private LocalNetwork net;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Path topo = dir.resolve("pair.conf");
    Files.writeString(topo, TOPOLOGY);
    Config cfg = ConfigLoader.load(topo.toString());
    net = LocalNetwork.start(cfg, dir.resolve("work"), id -> { });
  }

  @AfterAll
  void stop() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void bb84Link_afterFramesCommitted_poolsIdenticalAndCascadeOnPinnedDispatcher() {
    Station a = net.station("AAA");
    Station b = net.station("BBB");
    assertThat(a.bb84Links()).containsKey("BBB");
    assertThat(a.bb84Links().get("BBB").isAlice()).isTrue();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
        a.store().nextFrameId("BBB") >= 3 && b.store().nextFrameId("AAA") >= 3);

    // each station's key supply assigns key to its sending direction ahead of need (bounded
    // generously: on a loaded machine the 4 % link's first finite-key blocks are small)
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() ->
        a.store().availableToSend("BBB") >= 64 && b.store().availableToSend("AAA") >= 64);
    // each direction: what one end reserves to send is exactly what the other end accepts
    assertSamePad(a, b, "r-ab");
    assertSamePad(b, a, "r-ba");

    LinkStats.Snapshot bob = b.linkStats("AAA").orElseThrow();
    LinkStats.Snapshot alice = a.linkStats("BBB").orElseThrow();
    assertThat(bob.framesDone()).isGreaterThanOrEqualTo(3);
    assertThat(bob.secureBps()).isPositive();
    assertThat(bob.siftedBps()).isGreaterThan(bob.secureBps());
    assertThat(bob.rawBps()).isGreaterThan(bob.siftedBps());
    // the link's own misalignment (4 %) was simulated, not the default 1.5 %
    assertThat(bob.qberMean()).isBetween(0.035, 0.05);
    assertThat(bob.efficiencyMean()).isBetween(1.0, 1.5);
    assertThat(bob.reconciliationThread()).contains(ReconciliationActor.DISPATCHER);
    assertThat(alice.reconciliationThread()).contains(ReconciliationActor.DISPATCHER);

    // relays first: post-processing runs on its own two tiers of threads below normal priority
    // (background, urgent while a link is short of key), not on the link dispatcher, which runs
    // the key supply keeper and the link-state publisher that relays wait on
    java.util.Map<String, Integer> priorities = new java.util.TreeMap<>();
    Thread.getAllStackTraces().keySet().forEach(t -> priorities.put(t.getName(), t.getPriority()));
    assertThat(priorities).hasKeySatisfying(new org.assertj.core.api.Condition<>(
        n -> n.startsWith("BBB-") && n.contains("qnode.post-processing-dispatcher"), "a post-processing thread"));
    priorities.forEach((name, priority) -> {
      if (name.contains("qnode.post-processing-dispatcher")) {
        assertThat(priority).as(name).isEqualTo(name.contains("-urgent-")
            ? org.qkdnet.qnode.link.BackgroundPriority.URGENT : org.qkdnet.qnode.link.BackgroundPriority.background());
      } else if (name.contains("qnode.link-dispatcher")) {
        assertThat(priority).as(name).isEqualTo(Thread.NORM_PRIORITY);
      }
    });
    assertThat(priorities.keySet()).anyMatch(n -> n.startsWith("AAA-qnode-qnode.link-dispatcher"));
  }

  @Test
  void linkFigures_publishedByTheEnds_areSeenAtAThirdStation() {
    Station a = net.station("AAA");
    Station b = net.station("BBB");
    Station c = net.station("CCC");
    // asked at CCC, which is on neither end of AAA-BBB: the figures crossed the cluster
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      NetworkPicture.LinkState l = NetworkPicture.of(c.adminView()).link("AAA-BBB").orElseThrow();
      return !Double.isNaN(l.cascadeEfficiency()) && l.lastFrameMillis() > 0;
    });
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
        NetworkPicture.of(c.adminView()).link("BBB-CCC").orElseThrow().framesDropped() > 0);
    long now = System.currentTimeMillis();
    NetworkPicture picture = NetworkPicture.of(c.adminView());

    NetworkPicture.LinkState good = picture.link("AAA-BBB").orElseThrow();
    LinkStats.Snapshot bob = b.linkStats("AAA").orElseThrow();
    LinkStats.Snapshot alice = a.linkStats("BBB").orElseThrow();
    assertThat(alice.efficiencyMean()).as("Alice does not reconcile").isNaN();
    assertThat(good.cascadeEfficiency()).isBetween(1.0, 1.5).isCloseTo(bob.efficiencyMean(), within(0.05));
    assertThat(good.lastFrameMillis()).isPositive().isLessThanOrEqualTo(now)
        .isLessThanOrEqualTo(Math.max(alice.lastKeyMillis(), bob.lastKeyMillis()));
    assertThat(good.framesDropped()).isLessThanOrEqualTo(Math.max(alice.framesDropped(), bob.framesDropped()));

    NetworkPicture.LinkState bad = picture.link("BBB-CCC").orElseThrow();
    LinkStats.Snapshot badBob = c.linkStats("BBB").orElseThrow();
    LinkStats.Snapshot badAlice = b.linkStats("CCC").orElseThrow();
    assertThat(badBob.dropReasons()).as("Bob's gate before Cascade").containsKey("QBER # above abort threshold #");
    assertThat(bad.framesDropped()).isLessThanOrEqualTo(Math.max(badAlice.framesDropped(), badBob.framesDropped()));
    assertThat(bad.cascadeEfficiency()).as("no frame reached Cascade").isNaN();
    assertThat(bad.lastFrameMillis()).as("no key from any frame").isZero();
    assertThat(bad.qber()).isNaN();
  }

  private static void assertSamePad(Station sender, Station receiver, String relayId) {
    PadReservation r = sender.store().reserve(receiver.id(), 64, relayId);
    try (KeyMaterial sent = sender.store().padBytes(r);
        KeyMaterial got = receiver.store().acceptIncoming(sender.id(), r.offset(), r.length(), relayId)) {
      assertThat(sent.contentEquals(got)).isTrue();
    }
  }
}
