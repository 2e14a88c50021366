package org.qkdnet.qnode.relay;

import org.qkdnet.qnode.crypto.TestKek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.SplitFrames;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StreamId;
import org.qkdnet.qnode.routing.Edge;
import org.qkdnet.qnode.routing.Graph;

/**
 * Failover inside a request, multipath shares and transit checks, over real key stores and an
 * in-memory transport (a station "down" answers every hop with a transport failure, as a killed
 * process would).
 */
class RelayFailoverTest {
  private static final int KEY = 32;
  private static final int HOP = KEY + 32;

  @TempDir Path dir;

  private final Map<String, StationKeyStore> stores = new HashMap<>();
  private final Map<String, RelayEngine> engines = new HashMap<>();
  private final Map<String, TestRoutes> routes = new HashMap<>();
  private final List<HopMessage> sent = Collections.synchronizedList(new ArrayList<>());
  private final java.util.Set<String> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Links "A-B" whose hops from A to B get a transport failure (a cut fibre; both stations live). */
  private final java.util.Set<String> cut = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private Graph graph;

  @AfterEach
  void tearDown() {
    TransitTaps.clear();
    stores.values().forEach(StationKeyStore::close);
  }

  /** Stations and links (a, b, km); every link gets pad both ways; every engine may try 3 routes, 2 paths. */
  private void network(List<String> stations, String... links) {
    List<Edge> edges = new ArrayList<>();
    for (String l : links) {
      String[] p = l.split("[-:]");
      edges.add(new Edge(p[0], p[1], Double.parseDouble(p[2])));
    }
    graph = new Graph(stations, edges);
    for (String s : stations) {
      stores.put(s, StationKeyStore.open(dir.resolve(s), s, TestKek.kek()));
    }
    long frame = 0;
    for (Edge e : edges) {
      byte[] f = new byte[8192];
      new java.util.Random(frame++).nextBytes(f);
      try (KeyMaterial x = KeyMaterial.wrap(f.clone()); KeyMaterial y = KeyMaterial.wrap(f)) {
        SplitFrames.append(stores.get(e.a()), e.b(), 0, x);
        SplitFrames.append(stores.get(e.b()), e.a(), 0, y);
      }
    }
    for (String s : stations) {
      TestRoutes r = new TestRoutes(s, graph);
      r.down.addAll(down);
      routes.put(s, r);
      engines.put(s, engine(s, r));
    }
  }

  private RelayEngine engine(String self, TestRoutes r) {
    HopTransport transport = (m, timeout) -> {
      sent.add(m);
      if (down.contains(m.receiver()) || cut.contains(self + "-" + m.receiver())) {
        return CompletableFuture.completedFuture(RelayOutcome.unreachable(m.relayId(), RelayOutcome.UNREACHABLE,
            "connection refused", self, m.receiver()));
      }
      return engines.get(m.receiver()).onHop(self, m);
    };
    return new RelayEngine(self, stores.get(self), transport, r, PadSupply.NONE,
        new RelaySettingsView(1000, 5000, 8, 128, 512, 3, 2), InstantSource.system());
  }

  @Test
  void destinationNotAnsweringOverItsLink_isReachedTheLongWay_andOnlyTheLinkIsSuspected() {
    network(List.of("A", "B", "C", "D"), "A-B:10", "B-C:10", "C-D:10", "D-A:10");
    cut.add("A-B");
    RelayEngine.Delivery d = relay("A", "B", 1).join();
    assertThat(d.path()).containsExactly("A", "D", "C", "B");
    assertDeliveredIdentically("B", d, "A-APP");
    assertThat(routes.get("A").suspects).as("B itself lives: not suspected").isEmpty();
    assertThat(routes.get("A").suspectLinks).containsExactly("A-B");
  }

  private static List<String> ids(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    return ids;
  }

  private CompletableFuture<RelayEngine.Delivery> relay(String from, String to, int paths) {
    return engines.get(from).originate(to, from + "-APP", to + "-APP", ids(1), KEY, paths).toCompletableFuture();
  }

  private static RelayOutcome outcomeOf(CompletableFuture<RelayEngine.Delivery> f) {
    assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(RelayException.class);
    Throwable e = f.handle((d, t) -> t).join();
    return ((RelayException) (e instanceof CompletionException ? e.getCause() : e)).outcome();
  }

  private Ledger ledger(String station, String from, String to) {
    return stores.get(station).ledger(new StreamId(from, to));
  }

  private void assertDeliveredIdentically(String destination, RelayEngine.Delivery d, String master) {
    for (int i = 0; i < d.keyIds().size(); i++) {
      Optional<KeyMaterial> k = stores.get(destination).takeForSlave(d.keyIds().get(i), destination + "-APP", master);
      assertThat(k).as("key " + i + " at " + destination).isPresent();
      assertThat(k.get().contentEquals(d.keys().get(i))).isTrue();
    }
  }

  @Test
  void originate_relayStationDown_retriedAroundItWithinOneRequest() {
    // the ring: A-B-C (shorter) and A-D-C
    network(List.of("A", "B", "C", "D"), "A-B:10", "B-C:10", "C-D:20", "D-A:20");
    down.add("B"); // killed: the cluster has not noticed yet (routes still offer it)

    RelayEngine.Delivery d = relay("A", "C", 1).join();

    assertThat(d.path()).containsExactly("A", "D", "C");
    assertDeliveredIdentically("C", d, "A-APP");
    // the failed attempt's pad stays consumed at the origin; B never accepted anything
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(HOP);
    assertThat(ledger("B", "A", "B").used() + ledger("B", "A", "B").burned()).isZero();
    // A suspects B at once: the next request goes around it without trying it again
    assertThat(routes.get("A").isSuspect("B")).isTrue();
    int hopsBefore = sent.size();
    relay("A", "C", 1).join();
    assertThat(sent.subList(hopsBefore, sent.size())).extracting(HopMessage::receiver).containsExactly("D", "C");
  }

  @Test
  void originate_transitCannotReachNext_transitSuspectsItAndOriginRoutesAround() {
    // A-B-C-E is shorter than A-D-E; C is killed
    network(List.of("A", "B", "C", "D", "E"), "A-B:10", "B-C:10", "C-E:10", "A-D:20", "D-E:20");
    down.add("C");

    RelayEngine.Delivery d = relay("A", "E", 1).join();

    assertThat(d.path()).containsExactly("A", "D", "E");
    assertThat(routes.get("B").isSuspect("C")).as("B saw C fail").isTrue();
    assertThat(routes.get("A").isSuspect("C")).as("A learned it from B's answer").isTrue();
    // B accepted the incoming hop, reserved toward C, and burned what it reserved
    assertThat(ledger("B", "A", "B").used()).isEqualTo(HOP);
    assertThat(ledger("B", "B", "C").burned()).isEqualTo(HOP);
    // the origin burns its first hop (the relay failed): sender's used + burned covers B's accepted
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(HOP);
    assertDeliveredIdentically("E", d, "A-APP");
  }

  @Test
  void onHop_nextStationSuspect_refusedBeforeAnyPadAtTheTransit() {
    network(List.of("A", "B", "C", "D", "E"), "A-B:10", "B-C:10", "C-E:10", "A-D:20", "D-E:20");
    routes.get("B").suspect("C"); // B saw C fail a moment ago; A did not

    RelayEngine.Delivery d = relay("A", "E", 1).join();

    assertThat(d.path()).containsExactly("A", "D", "E");
    Ledger ab = ledger("B", "A", "B");
    assertThat(ab.used() + ab.burned()).as("B refused without touching the pad").isZero();
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(HOP);
  }

  @Test
  void originate_destinationDown_failsAfterOneAttemptWithoutLooping() {
    network(List.of("A", "B", "C", "D"), "A-B:10", "B-C:10", "C-D:20", "D-A:20");
    down.add("C");

    RelayOutcome o = outcomeOf(relay("A", "C", 1));

    assertThat(o.reason()).isEqualTo(RelayOutcome.UNREACHABLE);
    assertThat(o.suspect()).isEqualTo("C");
    assertThat(o.detail()).contains("no other usable route");
  }

  @Test
  void originate_tamperedHop_isNotRetried() {
    network(List.of("A", "B", "C", "D"), "A-B:10", "B-C:10", "C-D:20", "D-A:20");
    HopTransport honest = (m, t) -> engines.get(m.receiver()).onHop("A", m);
    engines.put("A", new RelayEngine("A", stores.get("A"), (m, t) -> {
      sent.add(m);
      return honest.send(HopFaults.apply(HopFaults.Fault.FLIP_TAG_BIT, m), t);
    }, routes.get("A"), PadSupply.NONE, new RelaySettingsView(1000, 5000, 8, 128, 512, 3, 2), InstantSource.system()));

    RelayOutcome o = outcomeOf(relay("A", "C", 1));

    assertThat(o.reason()).isEqualTo(RelayOutcome.BAD_TAG);
    assertThat(sent).hasSize(1);
  }

  @Test
  void originate_twoPaths_keyIsXorOfSharesAndNoTransitSawIt() {
    network(List.of("A", "B", "C", "D"), "A-B:10", "B-C:10", "C-D:20", "D-A:20");
    Map<String, List<byte[]>> seen = new HashMap<>();
    for (String s : List.of("B", "D")) {
      List<byte[]> l = Collections.synchronizedList(new ArrayList<>());
      seen.put(s, l);
      TransitTaps.tap(s, l::add);
    }

    RelayEngine.Delivery d = relay("A", "C", 2).join();

    assertThat(d.routes()).containsExactlyInAnyOrder(List.of("A", "B", "C"), List.of("A", "D", "C"));
    byte[] key = d.keys().get(0).copyBytes();
    assertDeliveredIdentically("C", d, "A-APP");
    byte[] shareB = seen.get("B").get(0);
    byte[] shareD = seen.get("D").get(0);
    assertThat(shareB).isNotEqualTo(key);
    assertThat(shareD).isNotEqualTo(key);
    byte[] xor = new byte[KEY];
    for (int i = 0; i < KEY; i++) {
      xor[i] = (byte) (shareB[i] ^ shareD[i]);
    }
    assertThat(xor).as("only the destination combines the shares").isEqualTo(key);
    assertThat(ledger("C", "B", "C").used()).isEqualTo(HOP);
    assertThat(ledger("C", "D", "C").used()).isEqualTo(HOP);
  }

  @Test
  void originate_twoPathsOneFails_noKeyAnywhereAndBothPadsConsumed() {
    network(List.of("A", "B", "C", "D"), "A-B:10", "B-C:10", "C-D:20", "D-A:20");
    down.add("B");

    RelayOutcome o = outcomeOf(relay("A", "C", 2));

    assertThat(o.reason()).isEqualTo(RelayOutcome.UNREACHABLE);
    assertThat(stores.get("C").deliverableCount("C-APP")).isZero();
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(HOP);
    // the other share reached C and is held there (never deliverable alone); its pad is used
    assertThat(ledger("A", "A", "D").used()).isEqualTo(HOP);
    assertThat(ledger("C", "D", "C").used()).isEqualTo(HOP);
  }

  @Test
  void originate_twoPathsButOnlyOneExists_refusedBeforeAnyPad() {
    network(List.of("A", "B", "C"), "A-B:10", "B-C:10");
    Ledger before = ledger("A", "A", "B");

    RelayOutcome o = outcomeOf(relay("A", "C", 2));

    assertThat(o.reason()).isEqualTo(RelayOutcome.NO_ROUTE);
    assertThat(o.detail()).contains("node-disjoint");
    assertThat(ledger("A", "A", "B")).isEqualTo(before);
  }

  @Test
  void onHop_pathNotInTopologyOrSaeElsewhere_refusedBeforeAnyPad() {
    network(List.of("A", "B", "C", "D"), "A-B:10", "B-C:10", "C-D:20", "D-A:20");
    RelayEngine.Delivery ok = relay("A", "C", 1).join();
    HopMessage hop1 = sent.get(0);
    Ledger before = ledger("B", "A", "B");

    // a path with a link the topology does not have (B-D)
    HopMessage badPath = new HopMessage(UUID.randomUUID().toString(), List.of("A", "B", "D"), 1, "A-APP", "D-APP",
        List.of(UUID.randomUUID().toString()), KEY, hop1.keyPad(), hop1.macPad(), new byte[0], hop1.tag(),
        hop1.remainingMillis());
    RelayOutcome o1 = engines.get("B").onHop("A", badPath).toCompletableFuture().join();
    assertThat(o1.reason()).isEqualTo(RelayOutcome.BAD_REQUEST);
    assertThat(o1.detail()).contains("no link");

    // the master SAE is not registered at the origin
    HopMessage badSae = new HopMessage(UUID.randomUUID().toString(), List.of("A", "B", "C"), 1, "D-APP", "C-APP",
        List.of(UUID.randomUUID().toString()), KEY, hop1.keyPad(), hop1.macPad(), new byte[0], hop1.tag(),
        hop1.remainingMillis());
    RelayOutcome o2 = engines.get("B").onHop("A", badSae).toCompletableFuture().join();
    assertThat(o2.reason()).isEqualTo(RelayOutcome.UNKNOWN_SAE);

    assertThat(ledger("B", "A", "B")).isEqualTo(before);
    assertThat(ok.keys()).hasSize(1);
  }
}
