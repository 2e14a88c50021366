package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * Issue 10 item 1, as a user would check it: the local ring as four {@code qnode run} processes,
 * 300 keys delivered and fetched over a 2-hop, a 1-hop and a same-station pair, a clean stop;
 * then no key is found, byte for byte or as hex/Base64 text, in any file under the data
 * directories or in the logs.
 */
class KeysAtRestTest {
  private static final List<String> IDS = List.of("ALP", "BRA", "CHA", "DEL");
  private static final Duration READY = Duration.ofSeconds(180);
  private static final Duration FIRST_KEY = Duration.ofSeconds(180);
  private static final int PER_PAIR = 100;
  private static final int PER_REQUEST = 10;

  @TempDir Path dir;
  private final List<StationProcess> processes = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (StationProcess s : processes) {
      s.close();
    }
  }

  private Path writeTopology() throws Exception {
    String local;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("local/topology.conf")) {
      local = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path file = dir.resolve("local.conf");
    Files.writeString(file, local + "\n# written by KeysAtRestTest\n"
        + "qnode.network.base-port = " + LocalNetwork.freeBasePort(IDS.size()) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  private static SSLContext sae(Path pki, String id) throws Exception {
    return TlsContexts.mutualTls(
        Pem.readIdentity(pki.resolve("saes/" + id + ".crt"), pki.resolve("saes/" + id + ".key")),
        Pem.readCertificate(pki.resolve("ca.crt")));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void keysDeliveredAndFetched_areNotReadableInDataDirsOrLogs_afterACleanStop() throws Exception {
    Path config = writeTopology();
    Path pki = dir.resolve("pki");
    assertThat(StationProcess.runCli(dir, Duration.ofSeconds(120), "certs", "--config", config.toString(),
        "--out", pki.toString())).as("qnode certs").isZero();
    for (String id : IDS) {
      // finished-key-sim: this test is about where key bytes end up, not about the physics
      processes.add(StationProcess.start(id, config, dir.resolve("data/" + id), pki, dir,
          "-Dqnode.device.kind=finished-key-sim"));
    }
    for (StationProcess s : processes) {
      s.awaitReady(READY);
    }
    int base = Integer.parseInt(Files.readString(config).replaceAll("(?s).*base-port = (\\d+).*", "$1"));
    Map<String, byte[]> keys = new HashMap<>();
    String[][] pairs = {{"ALP-APP1", "ALP", "CHA-APP1", "CHA"}, {"ALP-APP1", "ALP", "BRA-APP1", "BRA"},
        {"ALP-APP1", "ALP", "ALP-APP2", "ALP"}};
    for (String[] p : pairs) {
      Etsi014Client master = new Etsi014Client(url(base, p[1]), sae(pki, p[0]), Duration.ofSeconds(15));
      Etsi014Client slave = new Etsi014Client(url(base, p[3]), sae(pki, p[2]), Duration.ofSeconds(15));
      long deadline = System.nanoTime() + FIRST_KEY.toNanos();
      int got = 0;
      for (int attempt = 0; got < PER_PAIR && attempt < 10_000; attempt++) {
        List<Etsi014Client.Key> batch;
        try {
          batch = master.encKeys(p[2], PER_REQUEST, 256);
        } catch (Etsi014Client.Etsi014Error e) {
          assertThat(e.status()).as(e.getMessage()).isEqualTo(503); // pools filling, nothing else
          assertThat(System.nanoTime()).as("keys for " + p[0] + " -> " + p[2] + " in time").isLessThan(deadline);
          Thread.sleep(250);
          continue;
        }
        List<String> ids = batch.stream().map(Etsi014Client.Key::keyId).toList();
        List<Etsi014Client.Key> fetched = slave.decKeys(p[0], ids);
        for (int i = 0; i < batch.size(); i++) {
          assertThat(fetched.get(i).key().contentEquals(batch.get(i).key())).as("key " + ids.get(i)).isTrue();
          keys.put(ids.get(i), batch.get(i).key().copyBytes());
          batch.get(i).key().zeroize();
          fetched.get(i).key().zeroize();
        }
        got += batch.size();
      }
      assertThat(got).as(p[0] + " -> " + p[2]).isEqualTo(PER_PAIR);
    }
    assertThat(keys).hasSize(3 * PER_PAIR);

    for (StationProcess s : processes) {
      s.stop();
    }
    for (StationProcess s : processes) {
      assertThat(s.isAlive()).as(s.id() + " stopped").isFalse();
    }

    List<Path> dataDirs = IDS.stream().map(id -> dir.resolve("data/" + id)).toList();
    List<String> rawHits = new RawKeyScan(keys).hits(dataDirs);
    System.out.println("AT REST searched " + RawKeyScan.fileCount(dataDirs) + " files under the data directories"
        + " for " + keys.size() + " keys: " + rawHits.size() + " hits " + rawHits);
    assertThat(rawHits).as("files holding key bytes").isEmpty();

    Map<String, String> encodings = new HashMap<>();
    keys.forEach((id, k) -> {
      encodings.put(HexFormat.of().formatHex(k), id);
      encodings.put(Base64.getEncoder().encodeToString(k), id);
    });
    List<Path> logs = new ArrayList<>();
    for (StationProcess s : processes) {
      logs.add(s.stderr());
      logs.add(dir.resolve(s.id() + ".out"));
    }
    assertThat(new RawKeyScan(keys).hits(logs)).as("logs holding raw key bytes").isEmpty();
    for (Path log : logs) {
      assertThat(KeyLeakScan.leakedKeyIds(Files.readString(log, StandardCharsets.ISO_8859_1), encodings))
          .as("keys in " + log).isEmpty();
    }
  }

  private static String url(int base, String station) {
    return "https://127.0.0.1:" + (base + 10 * IDS.indexOf(station) + 2);
  }
}
