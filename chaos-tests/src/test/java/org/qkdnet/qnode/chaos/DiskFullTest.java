package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StreamId;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * The disk-full fault on real processes (issue 9): ALP's data directory is a small file system of
 * its own; with the local ring relaying, it is filled to the last byte. ALP must refuse new work
 * with a clear error and stop (fail closed, exit non-zero, its log naming the full disk), never
 * hang its clients (RocksDB preallocates its log, so without the station's own free-space check,
 * qnode.keystore.min-free-bytes, it went on answering 200 for as long as the test waited); nothing it stored is lost: with the space given back and ALP restarted on the
 * same directory, the keys that waited there for its SAE are fetched intact, keys flow again, and
 * every ledger balances with nothing in doubt.
 */
class DiskFullTest {
  private static final Duration READY = Duration.ofSeconds(120);
  private static final List<String> IDS = LocalRing.IDS;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;
  private final List<StationProcess> processes = new ArrayList<>();
  private SmallDisk disk;

  @AfterEach
  void tearDown() throws Exception {
    for (StationProcess p : processes) {
      p.close();
    }
    if (disk != null) {
      disk.close();
    }
  }

  private static <T> T firstKey(String what, java.util.concurrent.Callable<T> call) {
    AtomicReference<T> got = new AtomicReference<>();
    await(what).atMost(READY).pollInterval(Duration.ofMillis(500)).until(() -> {
      try {
        got.set(call.call());
        return true;
      } catch (Etsi014Client.Etsi014Error e) {
        assertThat(e.status()).as(e.getMessage()).isEqualTo(503); // not ready yet, nothing else
        return false;
      }
    });
    return got.get();
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void fullDisk_stationFailsClosedWithAClearError_nothingLost_recoversWhenSpaceIsBack() throws Exception {
    Assumptions.assumeTrue(SmallDisk.unavailable(dir).isEmpty(),
        () -> "no small disk on this machine: " + SmallDisk.unavailable(dir).orElse(""));
    LocalRing ring = LocalRing.create(dir, "local-disk-full.conf", "DiskFullTest",
        "qnode.device.max-pool-bytes = 1 MiB\nqnode.device.kind = finished-key-sim\n"
            + "qnode.keystore.min-free-bytes = 16 MiB\n");
    Path alpData = dir.resolve("data/ALP");
    disk = SmallDisk.mount(alpData, 64L << 20);
    for (String id : IDS) {
      processes.add(StationProcess.start(id, ring.config(), dir.resolve("data/" + id), ring.pki(), dir));
    }
    for (StationProcess p : processes) {
      p.awaitReady(READY);
    }
    StationProcess alp = processes.get(IDS.indexOf("ALP"));
    Etsi014Client alpMaster = ring.client("ALP", "ALP-APP1", Duration.ofSeconds(10));
    Etsi014Client chaSlave = ring.client("CHA", "CHA-APP1", Duration.ofSeconds(10));
    Etsi014Client chaMaster = ring.client("CHA", "CHA-APP2", Duration.ofSeconds(10));

    // keys ALP -> CHA, fetched at once; keys CHA -> ALP left waiting at ALP for its SAE
    firstKey("first key ALP -> CHA", () -> alpMaster.encKeys("CHA-APP1", 1, 256));
    for (int i = 0; i < 10; i++) {
      Etsi014Client.Key k = alpMaster.encKeys("CHA-APP1", 1, 256).get(0);
      assertThat(chaSlave.decKeys("ALP-APP1", List.of(k.keyId())).get(0).key().contentEquals(k.key())).isTrue();
    }
    Map<String, String> waitingAtAlp = new LinkedHashMap<>();
    firstKey("first key CHA -> ALP", () -> chaMaster.encKeys("ALP-APP1", 1, 256));
    for (int i = 0; i < 5; i++) {
      Etsi014Client.Key k = chaMaster.encKeys("ALP-APP1", 1, 256).get(0);
      waitingAtAlp.put(k.keyId(), HexFormat.of().formatHex(sha256(k.key().copyBytes())));
    }

    long taken = disk.fill();
    assertThat(taken).isPositive();
    // ALP's next writes fail: it must answer with an error or not at all, and stop, within bounds
    long start = System.nanoTime();
    List<Integer> statuses = new ArrayList<>();
    OptionalInt exit = OptionalInt.empty();
    for (int i = 0; i < 60 && exit.isEmpty(); i++) {
      try {
        alpMaster.encKeys("CHA-APP1", 1, 256);
        statuses.add(200);
      } catch (Etsi014Client.Etsi014Error e) {
        statuses.add(e.status());
      } catch (Exception e) {
        statuses.add(-1); // connection refused: ALP is going or gone
      }
      exit = alp.exitCode(Duration.ofMillis(500));
    }
    if (exit.isEmpty()) {
      exit = alp.exitCode(Duration.ofSeconds(30));
    }
    assertThat(exit).as("ALP stopped on the full disk (answers %s)", statuses).isPresent();
    assertThat(exit.getAsInt()).as("exit code").isNotZero();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no hang").isLessThan(Duration.ofMinutes(2));
    String log = Files.readString(alp.stderr());
    assertThat(log).as("ALP's log names the full disk").containsIgnoringCase("no space left on device")
        .contains("key store failed").contains(alpData.toString());

    // space back, same directory: ALP recovers and nothing it held is lost
    disk.free();
    processes.set(IDS.indexOf("ALP"), StationProcess.start("ALP", ring.config(), alpData, ring.pki(), dir));
    processes.get(IDS.indexOf("ALP")).awaitReady(READY);
    Etsi014Client alpSlave = ring.client("ALP", "ALP-APP1", Duration.ofSeconds(10));
    for (Map.Entry<String, String> w : waitingAtAlp.entrySet()) {
      Etsi014Client.Key k = alpSlave.decKeys("CHA-APP2", List.of(w.getKey())).get(0);
      assertThat(HexFormat.of().formatHex(sha256(k.key().copyBytes()))).as("key %s after the restart", w.getKey())
          .isEqualTo(w.getValue());
    }
    Etsi014Client.Key again = firstKey("keys ALP -> CHA again", () -> alpMaster.encKeys("CHA-APP1", 1, 256)).get(0);
    assertThat(chaSlave.decKeys("ALP-APP1", List.of(again.keyId())).get(0).key().contentEquals(again.key())).isTrue();

    for (StationProcess p : processes) {
      p.stop();
    }
    for (String id : IDS) {
      try (StationKeyStore s = StationProcess.openStore(dir.resolve("data/" + id), ring.pki(), id)) {
        for (String peer : neighbours(id)) {
          for (StreamId st : List.of(new StreamId(id, peer), new StreamId(peer, id))) {
            Ledger l = s.ledger(st);
            assertThat(l.balances()).as("%s ledger %s", id, st).isTrue();
            assertThat(l.reserved()).as("%s in doubt on %s", id, st).isZero();
          }
        }
      }
    }
  }

  private static List<String> neighbours(String id) {
    int i = IDS.indexOf(id);
    return List.of(IDS.get((i + 1) % IDS.size()), IDS.get((i + IDS.size() - 1) % IDS.size()));
  }

  private static byte[] sha256(byte[] b) throws Exception {
    return java.security.MessageDigest.getInstance("SHA-256").digest(b);
  }
}
