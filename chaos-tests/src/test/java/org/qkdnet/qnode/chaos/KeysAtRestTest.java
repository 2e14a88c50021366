package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * Issue 10 item 1, as a user would check it: the local ring as four {@code qnode run} processes,
 * 300 keys delivered and fetched over a 2-hop, a 1-hop and a same-station pair, a clean stop;
 * then no key is found, byte for byte or as hex/Base64 text, in any file under the data
 * directories or in the logs.
 */
class KeysAtRestTest {
  private static final List<String> IDS = LocalRing.IDS;
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

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void keysDeliveredAndFetched_areNotReadableInDataDirsOrLogs_afterACleanStop() throws Exception {
    LocalRing ring = LocalRing.create(dir, "local.conf", "KeysAtRestTest", "");
    for (String id : IDS) {
      // finished-key-sim: this test is about where key bytes end up, not about the physics
      processes.add(StationProcess.start(id, ring.config(), dir.resolve("data/" + id), ring.pki(), dir,
          "-Dqnode.device.kind=finished-key-sim"));
    }
    for (StationProcess s : processes) {
      s.awaitReady(READY);
    }
    Map<String, byte[]> keys = new HashMap<>();
    String[][] pairs = {{"ALP-APP1", "ALP", "CHA-APP1", "CHA"}, {"ALP-APP1", "ALP", "BRA-APP1", "BRA"},
        {"ALP-APP1", "ALP", "ALP-APP2", "ALP"}};
    for (String[] p : pairs) {
      Etsi014Client master = ring.client(p[1], p[0], Duration.ofSeconds(15));
      Etsi014Client slave = ring.client(p[3], p[2], Duration.ofSeconds(15));
      int[] got = {0};
      // bounded: pools may still be filling (503), nothing else is expected
      Awaitility.await(p[0] + " -> " + p[2] + ": " + PER_PAIR + " keys").atMost(FIRST_KEY)
          .pollInterval(Duration.ofMillis(250)).pollDelay(Duration.ZERO).until(() -> {
            List<Etsi014Client.Key> batch;
            try {
              batch = master.encKeys(p[2], PER_REQUEST, 256);
            } catch (Etsi014Client.Etsi014Error e) {
              assertThat(e.status()).as(e.getMessage()).isEqualTo(503);
              return false;
            }
            List<String> ids = batch.stream().map(Etsi014Client.Key::keyId).toList();
            List<Etsi014Client.Key> fetched = slave.decKeys(p[0], ids);
            for (int i = 0; i < batch.size(); i++) {
              assertThat(fetched.get(i).key().contentEquals(batch.get(i).key())).as("key " + ids.get(i)).isTrue();
              keys.put(ids.get(i), batch.get(i).key().copyBytes());
              batch.get(i).key().zeroize();
              fetched.get(i).key().zeroize();
            }
            got[0] += batch.size();
            return got[0] >= PER_PAIR;
          });
      assertThat(got[0]).as(p[0] + " -> " + p[2]).isEqualTo(PER_PAIR);
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
}
