package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.TestRings;
import org.qkdnet.qnode.TestTrees;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StreamId;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * Issue 10 item 2, end to end in the local ring: BRA is restored from a backup of its data
 * directory taken before it used more of its link with ALP. The audit at start quarantines the
 * link at both ends, the two stations re-key it under a new epoch over LinkService, and keys
 * flow over it again: every key the slave fetches equals the master's, and no key value (on
 * this one-hop route, the link's pad itself) is ever handed out twice.
 */
class LinkRekeyTest {
  @TempDir Path dir;

  private final Set<String> seen = new HashSet<>();

  @Test
  void stationRestoredFromABackup_linkQuarantinedThenReKeyed_keysFlowAgain_noKeyTwice() throws Exception {
    Config cfg = TestRings.finishedKeyLocal();
    try (LocalNetwork net = LocalNetwork.start(cfg, dir, id -> { })) {
      awaitAllUp(net);
      deliver(net, 5);

      net.stop("BRA");
      Path data = dir.resolve("data").resolve("BRA");
      Path backup = dir.resolve("bra-backup");
      TestTrees.copy(data, backup); // last night's backup
      net.restart("BRA");
      awaitAllUp(net);
      deliver(net, 5); // pad of ALP-BRA used after the backup
      long oldEpoch = net.station("ALP").store().linkAudit("BRA").epoch();

      net.stop("BRA");
      TestTrees.delete(data);
      Files.move(backup, data); // the operator restores it
      net.restart("BRA");

      StationKeyStore alp = net.station("ALP").store();
      StationKeyStore bra = net.station("BRA").store();
      await("ALP-BRA re-keyed under a new epoch and audited").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200)).until(() -> {
            long e = alp.linkAudit("BRA").epoch();
            return e != oldEpoch && e == bra.linkAudit("ALP").epoch() && alp.linkBlocked("BRA").isEmpty()
                && bra.linkBlocked("ALP").isEmpty();
          });
      awaitAllUp(net);
      deliver(net, 5); // over the re-keyed link, from fresh frames
      for (StationKeyStore s : List.of(alp, bra)) {
        String peer = s == alp ? "BRA" : "ALP";
        assertThat(s.ledger(new StreamId(s.selfStationId(), peer)).balances()).isTrue();
        assertThat(s.ledger(new StreamId(peer, s.selfStationId())).balances()).isTrue();
      }
    }
  }

  private static void awaitAllUp(LocalNetwork net) throws InterruptedException {
    TestRings.awaitLive(net);
    // the direct route: the link under test carries key (after the re-key: from fresh frames)
    await("route ALP-BRA").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> net.station("ALP").currentRoutes("BRA", "ALP-APP1", "BRA-APP1").contains(List.of("ALP", "BRA")));
  }

  /**
   * {@code n} keys ALP-APP1 -> BRA-APP1 over the link ALP-BRA, each fetched at BRA, equal to the
   * master's and never seen before.
   */
  private void deliver(LocalNetwork net, int n) throws Exception {
    Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
    Etsi014Client slave = new Etsi014Client(net.etsi014Url("BRA"), net.saeTls("BRA-APP1"), Duration.ofSeconds(10));
    for (int i = 0; i < n; i++) {
      List<Etsi014Client.Key> got = master.encKeys("BRA-APP1", 1, 256);
      assertThat(got).hasSize(1);
      List<Etsi014Client.Key> fetched = slave.decKeys("ALP-APP1", List.of(got.get(0).keyId()));
      assertThat(fetched).hasSize(1);
      try (KeyMaterial k = got.get(0).key(); KeyMaterial f = fetched.get(0).key()) {
        assertThat(f.contentEquals(k)).as("key fetched at BRA equals ALP's").isTrue();
        assertThat(seen.add(digest(k))).as("key value never handed out before").isTrue();
      }
      assertThat(net.station("ALP").relayStats().lastRoute()).isEqualTo(List.of("ALP", "BRA"));
    }
  }

  private static String digest(KeyMaterial k) throws Exception {
    byte[] b = k.copyBytes();
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } finally {
      java.util.Arrays.fill(b, (byte) 0);
    }
  }
}
