package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.StreamId;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * A ring whose links deliver (practically) no key: ETSI 014 must answer a prompt 503, deliver
 * nothing anywhere and consume no pad; keys between SAEs of one station still work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExhaustedPoolTest {
  private LocalNetwork net;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    // finished key frozen by a vanishing speedup: the pools stay empty (the relay layer is the subject)
    Config cfg = ConfigFactory.parseString("qnode.device.kind = finished-key-sim, qnode.device.speedup = 1e-12")
        .withFallback(ConfigLoader.load("local"));
    net = LocalNetwork.start(cfg, dir, id -> { });
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
        net.stations().stream().allMatch(s -> s.liveStations().routable().size() == 4));
    // every station has published its (empty) links: a refusal is about key, not about routes
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      var d = net.station("ALP").explainRoute("CHA");
      return d.excludedStations().isEmpty() && d.excludedLinks().size() == 4
          && d.excludedLinks().values().stream().allMatch(r -> r.contains("capacity 0 B"));
    });
  }

  @AfterAll
  void stop() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void encKeys_emptyLinkPools_prompt503AndNothingConsumed() throws Exception {
    Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
    Ledger before = net.station("ALP").store().ledger(new StreamId("ALP", "BRA"));
    long start = System.nanoTime();

    assertThatThrownBy(() -> master.encKeys("CHA-APP1", 1, 256))
        .isInstanceOfSatisfying(Etsi014Client.Etsi014Error.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.getMessage()).contains("not enough key");
        });

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(net.station("ALP").store().ledger(new StreamId("ALP", "BRA"))).isEqualTo(before);
    assertThat(net.station("CHA").store().deliverableCount("CHA-APP1")).isZero();
  }

  @Test
  void status_emptyLinkPools_reportsNoStoredKeys() throws Exception {
    Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
    JsonNode status = master.status("CHA-APP1");
    assertThat(status.path("stored_key_count").asLong()).isZero();
    assertThat(status.path("source_KME_ID").asText()).isEqualTo("ALP");
    assertThat(status.path("target_KME_ID").asText()).isEqualTo("CHA");
  }

  @Test
  void encKeys_slaveOnSameStation_worksWithoutAnyLink() throws Exception {
    Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
    Etsi014Client slave = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP2"), Duration.ofSeconds(10));
    List<Etsi014Client.Key> sent = master.encKeys("ALP-APP2", 2, 256);
    List<Etsi014Client.Key> got = slave.decKeys("ALP-APP1", sent.stream().map(Etsi014Client.Key::keyId).toList());
    assertThat(got.get(1).key().contentEquals(sent.get(1).key())).isTrue();
  }
}
