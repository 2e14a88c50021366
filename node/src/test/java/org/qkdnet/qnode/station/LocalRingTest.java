package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.StreamId;
import org.qkdnet.qnode.relay.HopFaults;
import org.qkdnet.qnode.relay.HopMessage;
import org.qkdnet.qnode.relay.RelayOutcome;
import org.qkdnet.qnode.linkservice.LinkTls;
import org.qkdnet.qnode.linkservice.NeighbourClients;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * The local ring (ALP - BRA - CHA - DEL - ALP) in one JVM with every layer real: RocksDB pools,
 * LinkService over mutual TLS, Pekko Cluster, ETSI 014 over HTTPS. Keys go ALP -> BRA -> CHA.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRingTest {
  private static final String MASTER = "ALP-APP1";
  private static final String SLAVE = "CHA-APP1";
  private static final int KEY_BYTES = 32;
  private static final int HOP_BYTES = KEY_BYTES + 32;

  private LocalNetwork net;
  private Etsi014Client master;
  private Etsi014Client slave;
  /** Every key the applications saw, to look for in the logs at the end (I5). */
  private final List<byte[]> seenKeys = new ArrayList<>();

  @BeforeAll
  void startRing(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    // The relay and ETSI 014 layers are the subject here, so links get finished key (vendor-box
    // style) quickly and deterministically; the default bb84-sim device and its post-processing
    // are tested by Bb84LinkIntegrationTest and, in real processes, by chaos-tests.
    Config cfg = ConfigFactory.parseString("qnode.relay.relay-timeout = 60s, qnode.relay.hop-timeout = 20s, "
            + "qnode.device.kind = finished-key-sim")
        .withFallback(ConfigLoader.load("local"));
    net = LocalNetwork.start(cfg, dir, id -> { });
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
        net.stations().stream().allMatch(s -> s.liveStations().snapshot().size() == 4));
    net.awaitRoutes("ALP", "CHA", MASTER, SLAVE, Duration.ofSeconds(90));
    master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls(MASTER), Duration.ofSeconds(10));
    slave = new Etsi014Client(net.etsi014Url("CHA"), net.saeTls(SLAVE), Duration.ofSeconds(10));
  }

  @AfterEach
  void disarm() {
    HopFaults.clear();
  }

  @AfterAll
  void stopRing() {
    if (net != null) {
      net.close();
    }
  }

  private Ledger ledger(String station, String from, String to) {
    return net.station(station).store().ledger(new StreamId(from, to));
  }

  private List<Etsi014Client.Key> enc(int n) throws Exception {
    List<Etsi014Client.Key> keys = master.encKeys(SLAVE, n, KEY_BYTES * 8);
    keys.forEach(k -> seenKeys.add(k.key().copyBytes()));
    return keys;
  }

  @Test
  @Order(1)
  void encKeys_overTwoHops_slaveFetchesIdenticalKeys() throws Exception {
    List<Etsi014Client.Key> sent = enc(5);
    List<Etsi014Client.Key> got = slave.decKeys(MASTER, sent.stream().map(Etsi014Client.Key::keyId).toList());

    assertThat(got).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(got.get(i).keyId()).isEqualTo(sent.get(i).keyId());
      assertThat(got.get(i).key().contentEquals(sent.get(i).key())).isTrue();
    }
    // both ways round the ring have two hops; key-aware routing takes the fuller one
    assertThat(net.station("ALP").relayStats().lastRoute())
        .isIn(List.of("ALP", "BRA", "CHA"), List.of("ALP", "DEL", "CHA"));
    // a key is fetched once
    assertThatThrownBy(() -> slave.decKeys(MASTER, List.of(sent.get(0).keyId())))
        .isInstanceOfSatisfying(Etsi014Client.Etsi014Error.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  @Order(2)
  void accessPolicy_ofTheShippedTopology_refusesDelApp1WithChaApp2_andServesAlpApp1() throws Exception {
    // cluster-config/local/topology.conf: CHA-APP2 may share keys with ALP-APP1 only
    Etsi014Client del = new Etsi014Client(net.etsi014Url("DEL"), net.saeTls("DEL-APP1"), Duration.ofSeconds(10));
    long delSent = net.station("DEL").store().ledger(new StreamId("DEL", "CHA")).used();
    assertThatThrownBy(() -> del.encKeys("CHA-APP2", 1, 256))
        .isInstanceOfSatisfying(Etsi014Client.Etsi014Error.class, e -> assertThat(e.status()).isEqualTo(401));
    assertThat(net.station("DEL").store().ledger(new StreamId("DEL", "CHA")).used()).isEqualTo(delSent);

    Etsi014Client alp = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
    List<Etsi014Client.Key> sent = alp.encKeys("CHA-APP2", 1, 256);
    Etsi014Client cha2 = new Etsi014Client(net.etsi014Url("CHA"), net.saeTls("CHA-APP2"), Duration.ofSeconds(10));
    assertThat(cha2.decKeys("ALP-APP1", List.of(sent.get(0).keyId())).get(0).key().contentEquals(sent.get(0).key()))
        .isTrue();
  }

  /** The relay station the next key ALP -> CHA goes through: both possible ones get the same treatment. */
  private static final List<String> RELAYS = List.of("BRA", "DEL");

  @Test
  @Order(2)
  void encKeys_tamperedSecondHop_isRejected503AndPadBurnedAtBothEnds() throws Exception {
    AtomicReference<HopMessage> hop1 = new AtomicReference<>();
    HopFaults.observe("ALP", hop1::set);
    java.util.Map<String, Ledger> relayOut = new java.util.HashMap<>();
    java.util.Map<String, Ledger> chaIn = new java.util.HashMap<>();
    for (String r : RELAYS) {
      relayOut.put(r, ledger(r, r, "CHA"));
      chaIn.put(r, ledger("CHA", r, "CHA"));
      HopFaults.arm(r, HopFaults.Fault.FLIP_CIPHERTEXT_BIT);
    }
    long stored = net.station("CHA").store().deliverableCount(SLAVE);

    // a bad tag is an integrity alarm, not a failed station: the origin does not retry it
    assertThatThrownBy(() -> enc(1))
        .isInstanceOfSatisfying(Etsi014Client.Etsi014Error.class, e -> assertThat(e.status()).isEqualTo(503));

    String relay = hop1.get().receiver();
    assertThat(ledger("CHA", relay, "CHA").burned() - chaIn.get(relay).burned()).isEqualTo(HOP_BYTES);
    assertThat(ledger("CHA", relay, "CHA").used()).isEqualTo(chaIn.get(relay).used());
    assertThat(ledger(relay, relay, "CHA").burned() - relayOut.get(relay).burned()).isEqualTo(HOP_BYTES);
    assertThat(net.station("CHA").store().deliverableCount(SLAVE)).isEqualTo(stored);
  }

  @Test
  @Order(3)
  void encKeys_retriedFirstHop_isAnsweredOnceWithoutExtraPad() throws Exception {
    AtomicReference<HopMessage> hop1 = new AtomicReference<>();
    HopFaults.observe("ALP", hop1::set);
    java.util.Map<String, Ledger> relayIn = new java.util.HashMap<>();
    RELAYS.forEach(r -> relayIn.put(r, ledger(r, "ALP", r)));
    HopFaults.arm("ALP", HopFaults.Fault.SEND_TWICE);

    List<Etsi014Client.Key> sent = enc(1);

    String relay = hop1.get().receiver();
    assertThat(ledger(relay, "ALP", relay).used() - relayIn.get(relay).used()).isEqualTo(HOP_BYTES);
    List<Etsi014Client.Key> got = slave.decKeys(MASTER, List.of(sent.get(0).keyId()));
    assertThat(got.get(0).key().contentEquals(sent.get(0).key())).isTrue();
  }

  @Test
  @Order(4)
  void relay_hopReplayedAfterRestart_isRejectedAndDeliversNothing() throws Exception {
    AtomicReference<HopMessage> captured = new AtomicReference<>();
    HopFaults.observe("ALP", captured::set);
    enc(1);
    HopMessage hop1 = captured.get();
    String relay = hop1.receiver();
    assertThat(relay).isIn(RELAYS);

    net.restart(relay); // forgets recent relay ids; the used pad range is durable
    Ledger relayIn = ledger(relay, "ALP", relay);
    long stored = net.station("CHA").store().deliverableCount(SLAVE);
    Path pki = net.pkiDir();
    LinkTls alpTls = new LinkTls(Pem.readIdentity(pki.resolve("stations/ALP.crt"), pki.resolve("stations/ALP.key")),
        Pem.readCertificate(pki.resolve("ca.crt")));
    try (NeighbourClients asAlp = new NeighbourClients("ALP", alpTls,
        n -> new NeighbourClients.Address("127.0.0.1", net.station(n).grpcPort()))) {
      RelayOutcome replay = asAlp.send(hop1, 10_000).toCompletableFuture().get();
      assertThat(replay.delivered()).isFalse();
      assertThat(replay.reason()).isEqualTo(RelayOutcome.PAD_RANGE_REJECTED);
    }
    assertThat(ledger(relay, "ALP", relay).used()).isEqualTo(relayIn.used());
    assertThat(ledger(relay, "ALP", relay).burned()).isEqualTo(relayIn.burned());
    assertThat(net.station("CHA").store().deliverableCount(SLAVE)).isEqualTo(stored);
  }

  @Test
  @Order(5)
  void restart_destination_keepsDeliverableKeysAndConsumedPad() throws Exception {
    net.awaitRoutes("ALP", "CHA", MASTER, SLAVE, Duration.ofSeconds(90));
    List<Etsi014Client.Key> sent = enc(2);
    Ledger before = ledger("CHA", "BRA", "CHA");
    Ledger beforeDel = ledger("CHA", "DEL", "CHA");

    net.restart("CHA");

    Ledger after = ledger("CHA", "BRA", "CHA");
    assertThat(after.used()).isEqualTo(before.used());
    assertThat(after.burned()).isEqualTo(before.burned());
    assertThat(after.generated()).isGreaterThanOrEqualTo(before.generated());
    assertThat(after.balances()).isTrue();
    assertThat(ledger("CHA", "DEL", "CHA").used()).isEqualTo(beforeDel.used());
    Etsi014Client slaveAfter = new Etsi014Client(net.etsi014Url("CHA"), net.saeTls(SLAVE), Duration.ofSeconds(10));
    List<Etsi014Client.Key> got = slaveAfter.decKeys(MASTER, sent.stream().map(Etsi014Client.Key::keyId).toList());
    assertThat(got.get(0).key().contentEquals(sent.get(0).key())).isTrue();
    assertThat(got.get(1).key().contentEquals(sent.get(1).key())).isTrue();
  }

  @Test
  @Order(6)
  void ledgers_everyStreamBalances_andSenderConsumedCoversReceiver() {
    for (var link : net.topology().links()) {
      for (String[] s : new String[][] {{link.a(), link.b()}, {link.b(), link.a()}}) {
        Ledger sender = ledger(s[0], s[0], s[1]);
        Ledger receiver = ledger(s[1], s[0], s[1]);
        assertThat(sender.balances()).as("sender %s->%s", s[0], s[1]).isTrue();
        assertThat(receiver.balances()).as("receiver %s->%s", s[0], s[1]).isTrue();
        assertThat(sender.used() + sender.burned() + sender.reserved())
            .as("consumed %s->%s", s[0], s[1])
            .isGreaterThanOrEqualTo(receiver.used() + receiver.burned());
      }
    }
  }

  @Test
  @Order(7)
  void status_reportsWhatTheRouteCanDeliver() throws Exception {
    List<String> route = net.awaitRoutes("ALP", "CHA", MASTER, SLAVE, Duration.ofSeconds(60)).get(0);
    long stored = master.status(SLAVE).path("stored_key_count").asLong();
    assertThat(stored).isPositive();
    // never more than the first link of the route can carry (the origin's own pools, 256-bit keys)
    String next = route.get(1);
    long firstLink = net.station("ALP").store().availableToSend(next)
        + net.station("ALP").store().supply(next).unassigned();
    assertThat(stored).isLessThanOrEqualTo(firstLink / 32);
  }

  @Test
  @Order(100)
  void logs_neverContainKeyBytes() throws Exception {
    Path log = Path.of("target/test-logs/node-tests.log");
    assertThat(log).exists();
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(text).contains("station ALP up"); // the capture works: station logs are in it
    assertThat(seenKeys).isNotEmpty();
    HexFormat hex = HexFormat.of();
    for (byte[] k : seenKeys) {
      byte[] half = java.util.Arrays.copyOf(k, 16);
      for (String form : List.of(hex.formatHex(half), hex.withUpperCase().formatHex(half),
          Base64.getEncoder().encodeToString(k), Base64.getEncoder().encodeToString(half).replace("=", ""))) {
        assertThat(text).as("a key in the logs").doesNotContain(form);
      }
    }
  }
}
