package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.keystore.StreamId;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * One-directional traffic, the normal case (a bank's master SAE always at the same end), over a
 * link with small pools: once the busy direction is drained it must keep drawing the link's fresh
 * key, instead of the idle direction filling the pool cap and the link answering 503 for good.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneDirectionalLoadTest {
  private static final long POOL = 256 * 1024;
  private static final int KEYS_PER_REQUEST = 128;
  private static final int KEY_BITS = 256;

  private LocalNetwork net;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    // over the in-process tuning, which sets 1 MiB pools
    Config pools = ConfigFactory.parseString("qnode.device.kind = finished-key-sim, qnode.device.max-pool-bytes = "
        + POOL + ", qnode.device.frame-bytes = 16384");
    net = LocalNetwork.start(pools, ConfigLoader.load("local"), dir, id -> { });
    net.awaitRoutes("ALP", "BRA", "ALP-APP1", "BRA-APP1", Duration.ofSeconds(90));
  }

  @AfterAll
  void stop() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void encKeys_oneDirectionPastThePoolCap_linkKeepsServing() throws Exception {
    Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(20));
    Etsi014Client slave = new Etsi014Client(net.etsi014Url("BRA"), net.saeTls("BRA-APP1"), Duration.ofSeconds(20));
    long perRequest = KEYS_PER_REQUEST * (KEY_BITS / 8L) + 32;
    // the link fills its pool to the cap while nobody draws key
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
        net.station("ALP").store().storedBytes("BRA") > POOL - 2 * 16_384);
    // 1. drain ALP -> BRA with large requests until the link is dry: nearly the whole pool goes
    // this way (half/half in advance would have given it at most half)
    long drained = 0;
    int dry = 0;
    for (int i = 0; i < 1_000 && dry < 3; i++) {
      try {
        master.encKeys("BRA-APP1", KEYS_PER_REQUEST, KEY_BITS).forEach(k -> k.key().zeroize());
        drained += perRequest;
        dry = 0;
      } catch (Etsi014Client.Etsi014Error e) {
        assertThat(e.status()).as(e.getMessage()).isEqualTo(503);
        dry++;
      }
    }
    assertThat(drained).as("bytes ALP -> BRA out of a 256 KiB pool").isGreaterThan(POOL * 3 / 4);

    // 2. the drained direction goes on serving ordinary requests at the link's rate (16 KiB/s here,
    // 256 one-key requests per second): one-directional traffic is never shut out by the idle one
    int ok = 0;
    int refused = 0;
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<Etsi014Client.Key> sample = null;
    while (System.nanoTime() < end) {
      try {
        List<Etsi014Client.Key> keys = master.encKeys("BRA-APP1", 1, KEY_BITS);
        ok++;
        sample = keys;
      } catch (Etsi014Client.Etsi014Error e) {
        assertThat(e.status()).as(e.getMessage()).isEqualTo(503);
        refused++;
      }
    }
    // The loop asks as fast as the server answers, faster than the link makes key: how many of
    // its requests were refused says how fast a 503 returns, not whether the direction is served
    // (since the server stopped starting a thread per request, refusals outnumber the served in
    // some runs: 1,148 against 1,091). That it is served at all, at a rate, is the point.
    assertThat(ok).as("one-key requests in 5 s after draining (" + refused + " refused)").isGreaterThanOrEqualTo(100);
    List<Etsi014Client.Key> got = slave.decKeys("ALP-APP1", List.of(sample.get(0).keyId()));
    assertThat(got.get(0).key().contentEquals(sample.get(0).key())).isTrue();
    // nothing was split away in advance: the idle direction holds no more than its small working set
    long idle = net.station("BRA").store().ledger(new StreamId("BRA", "ALP")).available();
    assertThat(idle).isLessThanOrEqualTo(POOL / 8 + 16_384);
  }
}
