package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StreamId;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * Partition and link-cut on real processes in a network of the test's own ({@link NetLab}: one
 * namespace per station, cuts as nftables rules). The local ring's four stations, each on its own
 * address; keys ALP -> CHA (two 2-hop routes) and ALP -> BRA:
 *
 * <ol>
 *   <li>link-cut: LinkService between ALP and BRA blackholed while the cluster still sees both.
 *       Keys ALP -> BRA still arrive, the long way round (ALP DEL CHA BRA), keys ALP -> CHA over
 *       DEL; healed, the direct link carries keys again;
 *   <li>partition: BRA cut off from every other station. Keys ALP -> CHA keep flowing over DEL;
 *       healed (and BRA restarted if the cluster downed it, as an operator's supervisor would),
 *       BRA serves again.
 * </ol>
 * Every key the master got is fetched at the slave identically, no key value comes twice, all
 * ledgers balance with nothing in doubt, and no log holds key bytes.
 */
class PartitionTest {
  private static final List<String> IDS = LocalRing.IDS;
  private static final Duration READY = Duration.ofSeconds(180);
  private static final int CLUSTER = 27000;
  private static final int GRPC = 27001;
  private static final int HTTPS = 27002;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;
  private final List<StationProcess> processes = new ArrayList<>();
  private NetLab lab;
  private Path config;
  private Path pki;
  private final Set<String> values = new HashSet<>();
  private final List<byte[]> keys = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (StationProcess p : processes) {
      p.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  private Etsi014Client client(String station, String sae) throws Exception {
    return new Etsi014Client("https://" + lab.address(station) + ":" + HTTPS, TlsContexts.mutualTls(
        Pem.readIdentity(pki.resolve("saes/" + sae + ".crt"), pki.resolve("saes/" + sae + ".key")),
        Pem.readCertificate(pki.resolve("ca.crt"))), Duration.ofSeconds(10));
  }

  private StationProcess start(String id) throws Exception {
    return StationProcess.startIn(lab.inside(id, List.of()), id, config, dir.resolve("data/" + id), pki, dir);
  }

  /** One key master -> slave, fetched and compared; false if the master's request failed. */
  private boolean relayOnce(Etsi014Client master, Etsi014Client slave, String masterSae, String slaveSae) {
    Etsi014Client.Key k;
    try {
      k = master.encKeys(slaveSae, 1, 256).get(0);
    } catch (Exception e) {
      return false;
    }
    Etsi014Client.Key got;
    try {
      got = slave.decKeys(masterSae, List.of(k.keyId())).get(0);
    } catch (Exception e) {
      throw new AssertionError("key " + k.keyId() + " given to " + masterSae + " not fetched by " + slaveSae, e);
    }
    assertThat(got.key().contentEquals(k.key())).as("key %s at %s", k.keyId(), slaveSae).isTrue();
    byte[] bytes = k.key().copyBytes();
    assertThat(values.add(HexFormat.of().formatHex(bytes))).as("key value %s came twice", k.keyId()).isTrue();
    keys.add(bytes);
    return true;
  }

  /** Relays until {@code n} succeeded (bounded by {@code max}); returns the failures on the way. */
  private int relayUntil(int n, Duration max, Etsi014Client master, Etsi014Client slave, String masterSae,
      String slaveSae) throws InterruptedException {
    long until = System.nanoTime() + max.toNanos();
    int ok = 0;
    int failed = 0;
    while (ok < n) {
      assertThat(System.nanoTime()).as("%d keys %s -> %s within %s (%d failed)", n, masterSae, slaveSae, max, failed)
          .isLessThan(until);
      if (relayOnce(master, slave, masterSae, slaveSae)) {
        ok++;
      } else {
        failed++;
        Thread.sleep(200);
      }
    }
    return failed;
  }

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void linkCut_andPartition_keysFlowRoundThem_nothingLostOrRepeated() throws Exception {
    Assumptions.assumeTrue(NetLab.unavailable().isEmpty(),
        () -> "no network lab on this machine: " + NetLab.unavailable().orElse(""));
    lab = NetLab.create("p" + (ProcessHandle.current().pid() % 10_000), IDS);
    String local;
    try (InputStream in = PartitionTest.class.getClassLoader().getResourceAsStream("local/topology.conf")) {
      local = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StringBuilder endpoints = new StringBuilder("qnode.network.endpoints {\n");
    for (String id : IDS) {
      endpoints.append("  ").append(id).append(" { host = \"").append(lab.address(id)).append("\", cluster-port = ")
          .append(CLUSTER).append(", grpc-port = ").append(GRPC).append(", https-port = ").append(HTTPS)
          .append(" }\n");
    }
    endpoints.append("}\n");
    config = dir.resolve("local-lab.conf");
    Files.writeString(config, local + "\n# written by PartitionTest: each station in its own namespace\n"
        + endpoints + "qnode.device.kind = finished-key-sim\nqnode.device.max-pool-bytes = 1 MiB\n");
    pki = dir.resolve("pki");
    assertThat(StationProcess.runCli(dir, Duration.ofSeconds(120), "certs", "--config", config.toString(), "--out",
        pki.toString())).isZero();
    for (String id : IDS) {
      processes.add(start(id));
    }
    for (StationProcess p : processes) {
      p.awaitReady(READY);
    }
    Etsi014Client alp = client("ALP", "ALP-APP1");
    Etsi014Client cha = client("CHA", "CHA-APP1");
    Etsi014Client bra = client("BRA", "BRA-APP1");
    relayUntil(5, READY, alp, cha, "ALP-APP1", "CHA-APP1");
    relayUntil(5, READY, alp, bra, "ALP-APP1", "BRA-APP1");

    // 1. link-cut: LinkService ALP <-> BRA blackholed, the cluster still sees both
    lab.cutPort("ALP", "BRA", GRPC);
    int failedBra = relayUntil(10, Duration.ofSeconds(90), alp, bra, "ALP-APP1", "BRA-APP1");
    int failedCha = relayUntil(10, Duration.ofSeconds(60), alp, cha, "ALP-APP1", "CHA-APP1");
    // ALP's relay summary (every 10 s) names the routes its keys took
    await("ALP's keys to BRA went the long way").atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofSeconds(1))
        .until(() -> Files.readString(processes.get(0).stderr()).contains("ALP>DEL>CHA>BRA"));
    lab.healAll();
    relayUntil(5, Duration.ofSeconds(90), alp, bra, "ALP-APP1", "BRA-APP1");
    System.out.println("LINK-CUT failed on the way: to BRA " + failedBra + ", to CHA " + failedCha);

    // 2. partition: BRA cut off from every other station
    lab.cut(Set.of("BRA"));
    int failedDuring = relayUntil(20, Duration.ofSeconds(120), alp, cha, "ALP-APP1", "CHA-APP1");
    lab.healAll();
    // BRA, alone on its side, may have been downed by the split-brain resolver (it then stops,
    // exit 1): a supervisor restarts it, as systemd's Restart=on-failure does
    int failedBack = 0;
    int ok = 0;
    boolean restarted = false;
    long until = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (ok < 3) {
      assertThat(System.nanoTime()).as("BRA serves again within 4 minutes (%d failed)", failedBack).isLessThan(until);
      StationProcess braProcess = processes.get(IDS.indexOf("BRA"));
      if (!braProcess.isAlive()) {
        assertThat(restarted).as("BRA stopped twice").isFalse();
        assertThat(Files.readString(braProcess.stderr())).contains("the cluster removed it");
        processes.set(IDS.indexOf("BRA"), start("BRA"));
        processes.get(IDS.indexOf("BRA")).awaitReady(READY);
        restarted = true;
        bra = client("BRA", "BRA-APP1");
      }
      if (relayOnce(alp, bra, "ALP-APP1", "BRA-APP1")) {
        ok++;
      } else {
        failedBack++;
        Thread.sleep(500);
      }
    }
    System.out.println("PARTITION failed during: " + failedDuring + "; after heal: " + failedBack
        + (restarted ? " (BRA was downed and restarted)" : " (BRA stayed a member)"));

    for (StationProcess p : processes) {
      p.stop();
    }
    for (String id : IDS) {
      try (StationKeyStore s = StationProcess.openStore(dir.resolve("data/" + id), pki, id)) {
        int i = IDS.indexOf(id);
        for (String peer : List.of(IDS.get((i + 1) % 4), IDS.get((i + 3) % 4))) {
          for (StreamId st : List.of(new StreamId(id, peer), new StreamId(peer, id))) {
            Ledger l = s.ledger(st);
            assertThat(l.balances()).as("%s ledger %s", id, st).isTrue();
            assertThat(l.reserved()).as("%s in doubt on %s", id, st).isZero();
          }
        }
      }
    }
    for (StationProcess p : processes) {
      String log = Files.readString(p.stderr());
      for (byte[] k : keys) {
        assertThat(log).as("%s log holds key bytes", p.id()).doesNotContain(HexFormat.of().formatHex(k))
            .doesNotContain(java.util.Base64.getEncoder().encodeToString(k));
      }
    }
  }
}
