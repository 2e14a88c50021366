package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.keystore.DeliverableInfo;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StreamId;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * Three station processes in a line, WST - MID - EST. A key relayed through MID arrives intact;
 * a second one is relayed and left waiting at EST; after {@code kill -9} of MID the next request
 * fails promptly with 503 at the origin, and EST's delivered-key store holds exactly the second key:
 * the fetched one is gone and nothing from the failed request arrived (a check that would fail if
 * the store lost a delivered key or gained one after the kill); the origin's pool ledger still
 * balances with nothing in doubt.
 */
class KillRelayStationTest {
  private static final Duration READY = Duration.ofSeconds(90);

  @TempDir Path dir;
  private final List<StationProcess> stations = new ArrayList<>();

  @AfterEach
  void killAll() throws InterruptedException {
    for (StationProcess s : stations) {
      s.close();
    }
  }

  private Path writeTopology() throws Exception {
    int base = LocalNetwork.freeBasePort(3);
    String conf = """
        # Three stations in a line for the chaos tests (written by KillRelayStationTest).
        qnode.topology {
          name = chaos-line
          description = "WST - MID - EST"
          stations = [
            { id = WST, name = West, role = backbone, lat = 30.5, lon = 114.0 }
            { id = MID, name = Middle, role = relay, lat = 30.5, lon = 114.3 }
            { id = EST, name = East, role = backbone, lat = 30.5, lon = 114.6 }
          ]
          links = [
            { a = WST, b = MID, km = 30 }
            { a = MID, b = EST, km = 30 }
          ]
          saes = [
            { id = WST-APP, station = WST, description = "master application" }
            { id = EST-APP, station = EST, description = "slave application" }
          ]
          operators = [ admin ]
        }
        qnode.network.base-port = %d
        qnode.device.max-pool-bytes = 1 MiB
        """.formatted(base);
    Path file = dir.resolve("chaos-line.conf");
    Files.writeString(file, conf, StandardCharsets.UTF_8);
    return file;
  }

  private SSLContext sae(Path pki, String id) throws Exception {
    return TlsContexts.mutualTls(
        Pem.readIdentity(pki.resolve("saes/" + id + ".crt"), pki.resolve("saes/" + id + ".key")),
        Pem.readCertificate(pki.resolve("ca.crt")));
  }

  private static String url(Path config, int index) throws Exception {
    String text = Files.readString(config);
    int base = Integer.parseInt(text.replaceAll("(?s).*base-port = (\\d+).*", "$1"));
    return "https://127.0.0.1:" + (base + 10 * index + 2);
  }

  @Test
  void killMiddleStation_nextRequest503_destinationHoldsExactlyTheUnfetchedKey() throws Exception {
    Path config = writeTopology();
    Path pki = dir.resolve("pki");
    assertThat(StationProcess.runCli(dir, Duration.ofSeconds(60), "certs", "--config", config.toString(),
        "--out", pki.toString())).as("qnode certs").isZero();

    for (String id : List.of("WST", "MID", "EST")) {
      stations.add(StationProcess.start(id, config, dir.resolve("data/" + id), pki, dir));
    }
    for (StationProcess s : stations) {
      s.awaitReady(READY);
    }
    StationProcess mid = stations.get(1);

    Etsi014Client master = new Etsi014Client(url(config, 0), sae(pki, "WST-APP"), Duration.ofSeconds(10));
    Etsi014Client slave = new Etsi014Client(url(config, 2), sae(pki, "EST-APP"), Duration.ofSeconds(10));

    // the cluster forms and the pools fill: retry, bounded, until the first key comes through
    java.util.concurrent.atomic.AtomicReference<List<Etsi014Client.Key>> first = new java.util.concurrent.atomic.AtomicReference<>();
    org.awaitility.Awaitility.await("first key through MID").atMost(READY).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          try {
            first.set(master.encKeys("EST-APP", 1, 256));
            return true;
          } catch (Etsi014Client.Etsi014Error e) {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(503); // not ready yet, nothing else
            return false;
          }
        });
    List<Etsi014Client.Key> keys = first.get();
    List<Etsi014Client.Key> fetched = slave.decKeys("WST-APP", List.of(keys.get(0).keyId()));
    assertThat(fetched.get(0).key().contentEquals(keys.get(0).key())).isTrue();

    // a second key, not fetched: it must be waiting at EST, alone, when the stations have stopped
    List<Etsi014Client.Key> waiting = master.encKeys("EST-APP", 1, 256);
    String waitingId = waiting.get(0).keyId();
    waiting.forEach(k -> k.key().zeroize());

    mid.kill9();
    assertThat(mid.isAlive()).isFalse();

    long start = System.nanoTime();
    assertThatThrownBy(() -> master.encKeys("EST-APP", 1, 256))
        .isInstanceOfSatisfying(Etsi014Client.Etsi014Error.class, e -> assertThat(e.status()).isEqualTo(503));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no hang").isLessThan(Duration.ofSeconds(30));

    stations.get(0).stop();
    stations.get(2).stop();
    try (StationKeyStore est = StationProcess.openStore(dir.resolve("data/EST"), pki, "EST")) {
      assertThat(est.deliverables()).as("keys waiting at the destination: the unfetched one, nothing after the kill")
          .containsExactly(new DeliverableInfo(waitingId, "WST-APP", "EST-APP"));
      assertThat(est.deliverableCount("EST-APP")).isEqualTo(1);
    }
    try (StationKeyStore wst = StationProcess.openStore(dir.resolve("data/WST"), pki, "WST")) {
      Ledger out = wst.ledger(new StreamId("WST", "MID"));
      assertThat(out.balances()).isTrue();
      assertThat(out.reserved()).isZero();
      assertThat(out.used()).isGreaterThanOrEqualTo(2 * (32 + 32));
    }
    byte[] key = keys.get(0).key().copyBytes();
    for (StationProcess s : stations) {
      String log = Files.readString(s.stderr());
      assertThat(log).as(s.id() + " logged something").isNotEmpty();
      assertThat(log).as(s.id() + " log holds key bytes")
          .doesNotContain(java.util.HexFormat.of().formatHex(key))
          .doesNotContain(java.util.Base64.getEncoder().encodeToString(key));
    }
    // the links ran the default device: raw BB84 detections post-processed between the stations
    // (Bob, who drives it, is the higher id of each link)
    assertThat(Files.readString(mid.stderr())).as("MID log").contains("link EST-MID: Bob end of bb84-sim post-processing");
    assertThat(Files.readString(stations.get(0).stderr())).as("WST log")
        .contains("link MID-WST: Bob end of bb84-sim post-processing");
  }
}
