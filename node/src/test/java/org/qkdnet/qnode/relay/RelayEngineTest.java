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
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.device.QkdDevice;
import org.qkdnet.qnode.device.sim.FinishedKeySimulator;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.SplitFrames;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StreamId;

/**
 * The relay state machine over three real key stores (A - B - C) and an in-memory transport that
 * delivers each hop to the receiving engine with the sender's identity, as mutual TLS would.
 */
class RelayEngineTest {
  private static final int FRAME = 4096;
  private static final int FRAMES = 4;
  private static final int KEY = 32;

  @TempDir Path dir;

  private final Map<String, StationKeyStore> stores = new HashMap<>();
  private final Map<String, RelayEngine> engines = new HashMap<>();
  private final List<HopMessage> sent = Collections.synchronizedList(new ArrayList<>());
  /** Fault applied to hops sent by a station (tamper, replay...). */
  private final Map<String, UnaryOperator<HopMessage>> tamper = new HashMap<>();
  /** Stations whose transport fails its send instead of answering (a transport bug). */
  private final Map<String, RuntimeException> transportFails = new HashMap<>();

  @BeforeEach
  void setUp() {
    for (String s : List.of("A", "B", "C")) {
      stores.put(s, StationKeyStore.open(dir.resolve(s), s, TestKek.kek()));
    }
    fillLink("A", "B");
    fillLink("B", "C");
    for (String s : List.of("A", "B", "C")) {
      engines.put(s, engine(s));
    }
  }

  @AfterEach
  void tearDown() {
    stores.values().forEach(StationKeyStore::close);
  }

  private void fillLink(String a, String b) {
    QkdDevice device = FinishedKeySimulator.atRate(QkdDevice.LinkEnds.of(a, b, 30), "test-seed", 1e6);
    for (long f = 0; f < FRAMES; f++) {
      try (KeyMaterial frameA = device.frame(f, FRAME); KeyMaterial frameB = device.frame(f, FRAME)) {
        SplitFrames.append(stores.get(a), b, f, frameA);
        SplitFrames.append(stores.get(b), a, f, frameB);
      }
    }
  }

  /** Clock of each station (system unless a test skews it). */
  private final Map<String, InstantSource> clocks = new HashMap<>();
  private final Map<String, TestRoutes> routes = new HashMap<>();

  private RelayEngine engine(String self) {
    HopTransport transport = (m, timeout) -> {
      HopMessage out = tamper.getOrDefault(self, UnaryOperator.identity()).apply(m);
      sent.add(out);
      if (transportFails.containsKey(self)) {
        return CompletableFuture.failedFuture(transportFails.get(self));
      }
      RelayEngine next = engines.get(out.receiver());
      return next == null
          ? CompletableFuture.completedFuture(
              RelayOutcome.unreachable(m.relayId(), RelayOutcome.UNREACHABLE, "down", self, out.receiver()))
          : next.onHop(self, out);
    };
    TestRoutes r = TestRoutes.line(self, List.of("A", "B", "C"));
    routes.put(self, r);
    return new RelayEngine(self, stores.get(self), transport, r,
        PadSupply.NONE, new RelaySettingsView(1000, 5000, 8, 128, 512),
        clocks.getOrDefault(self, InstantSource.system()));
  }

  private static List<String> ids(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    return ids;
  }

  private RelayEngine.Delivery relay(List<String> keyIds) {
    return engines.get("A").originate("C", "A-APP", "C-APP", keyIds, KEY).toCompletableFuture().join();
  }

  private RelayOutcome failure(List<String> keyIds) {
    return outcomeOf(engines.get("A").originate("C", "A-APP", "C-APP", keyIds, KEY).toCompletableFuture());
  }

  private static RelayOutcome outcomeOf(CompletableFuture<RelayEngine.Delivery> f) {
    assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(RelayException.class);
    Throwable e = f.handle((d, t) -> t).join();
    return ((RelayException) (e instanceof CompletionException ? e.getCause() : e)).outcome();
  }

  private Ledger ledger(String station, String from, String to) {
    return stores.get(station).ledger(new StreamId(from, to));
  }

  @Test
  void originate_stationsWithSkewedClocks_stillRelay_hopsCarryRemainingTimeNotADeadline() {
    // B an hour behind, C an hour ahead: an absolute deadline from A would look an hour away to
    // B and long past to C, which refused every hop before deadlines became remaining time
    clocks.put("B", java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofHours(-1)));
    clocks.put("C", java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofHours(1)));
    for (String s : List.of("A", "B", "C")) {
      engines.put(s, engine(s));
    }
    List<String> keyIds = ids(2);
    RelayEngine.Delivery d = relay(keyIds);
    assertThat(d.keys()).hasSize(2);
    assertThat(sent).allSatisfy(h -> assertThat(h.remainingMillis()).isBetween(1L, 5000L));
    assertThat(stores.get("C").takeForSlave(keyIds.get(0), "C-APP", "A-APP")).isPresent();
  }

  @Test
  void transportThatFailsInsteadOfAnswering_burnsTheHopsPadAtOnce_atOriginAndTransit() {
    transportFails.put("B", new IllegalStateException("transport bug"));
    CompletableFuture<RelayEngine.Delivery> f =
        engines.get("A").originate("C", "A-APP", "C-APP", ids(1), KEY).toCompletableFuture();
    assertThatThrownBy(f::join).isInstanceOf(CompletionException.class);
    // B took A's pad into use and reserved pad toward C, whose send failed: burned, not left reserved
    assertThat(ledger("B", "B", "C").reserved()).as("nothing left in doubt at the transit").isZero();
    assertThat(ledger("B", "B", "C").burned()).isEqualTo(KEY + 32);
    assertThat(ledger("A", "A", "B").reserved()).isZero();

    transportFails.put("A", new IllegalStateException("transport bug"));
    assertThatThrownBy(() -> relay(ids(1))).isInstanceOf(CompletionException.class);
    assertThat(ledger("A", "A", "B").reserved()).as("nothing left in doubt at the origin").isZero();
  }

  @Test
  void onHop_withNoTimeLeft_isRefusedBeforeAnyPadIsTouched() {
    tamper.put("A", m -> new HopMessage(m.relayId(), m.path(), m.hop(), m.masterSae(), m.slaveSae(), m.keyIds(),
        m.keySizeBytes(), m.keyPad(), m.macPad(), m.ciphertext(), m.tag(), 0));
    long before = ledger("B", "A", "B").used();
    RelayOutcome o = failure(ids(1));
    assertThat(o.reason()).isEqualTo(RelayOutcome.BAD_REQUEST);
    assertThat(o.detail()).contains("no time left");
    assertThat(ledger("B", "A", "B").used()).isEqualTo(before);
  }

  @Test
  void originate_sendThrowingAtOnce_burnsTheReservationAtOnce_notAtTheNextRestart() {
    engines.put("A", new RelayEngine("A", stores.get("A"), (m, timeout) -> {
      throw new IllegalStateException("channel closed");
    }, TestRoutes.line("A", List.of("A", "B", "C")), PadSupply.NONE, new RelaySettingsView(1000, 5000, 8, 128, 512),
        InstantSource.system()));
    RelayOutcome o = failure(ids(1));
    assertThat(o.reason()).isEqualTo(RelayOutcome.UNREACHABLE);
    assertThat(ledger("A", "A", "B").reserved()).as("nothing left in doubt").isZero();
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(KEY + 32);
  }

  @Test
  void originate_twoHops_destinationHoldsIdenticalKeys() {
    List<String> keyIds = ids(3);
    RelayEngine.Delivery d = relay(keyIds);

    assertThat(d.path()).containsExactly("A", "B", "C");
    assertThat(d.keys()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      Optional<KeyMaterial> atC = stores.get("C").takeForSlave(keyIds.get(i), "C-APP", "A-APP");
      assertThat(atC).isPresent();
      assertThat(atC.get().contentEquals(d.keys().get(i))).isTrue();
    }
    // the second hop carries ciphertext that is not the key
    HopMessage hop2 = sent.get(1);
    assertThat(hop2.hop()).isEqualTo(2);
    assertThat(KeyMaterial.wrap(hop2.ciphertext()).contentEquals(
        KeyMaterial.concat(d.keys()))).isFalse();
  }

  @Test
  void probe_twoHops_reportsEachHop_storesNothing_andConsumesPadAtBothEndsOfEveryHop() {
    RelayEngine.Delivery d = engines.get("A").probe("C").toCompletableFuture().join();
    assertThat(d.path()).containsExactly("A", "B", "C");
    assertThat(d.keys()).isEmpty();
    assertThat(d.hopMicros()).hasSize(2).allSatisfy(us -> assertThat(us).isNotNegative());
    long total = d.routeTimes().get(0).toNanos() / 1000;
    assertThat(d.hopMicros().get(0) + d.hopMicros().get(1)).isLessThanOrEqualTo(total);
    assertThat(sent).hasSize(2).allSatisfy(h -> {
      assertThat(h.probe()).isTrue();
      assertThat(h.masterSae()).isEmpty();
    });
    int consumed = RelayEngine.PROBE_KEY_BYTES + 32;
    // the senders burn (the test key served no one); the receivers accepted the range (replay defence)
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(consumed);
    assertThat(ledger("A", "A", "B").used()).isZero();
    assertThat(ledger("B", "B", "C").burned()).isEqualTo(consumed);
    assertThat(ledger("B", "A", "B").used()).isEqualTo(consumed);
    assertThat(ledger("C", "B", "C").used()).isEqualTo(consumed);
    assertThat(stores.get("C").deliverableCount("")).isZero();
    for (String[] st : new String[][] {{"A", "A", "B"}, {"B", "A", "B"}, {"B", "B", "C"}, {"C", "B", "C"}}) {
      assertThat(ledger(st[0], st[1], st[2]).balances()).as(String.join(" ", st)).isTrue();
    }
  }

  @Test
  void probe_withTamperedTag_isRefusedAsBadTag() {
    tamper.put("B", m -> {
      byte[] tag = m.tag();
      tag[0] ^= 1;
      return m.with(m.ciphertext(), tag);
    });
    CompletableFuture<RelayEngine.Delivery> f = engines.get("A").probe("C").toCompletableFuture();
    assertThat(outcomeOf(f).reason()).isEqualTo(RelayOutcome.BAD_TAG);
    assertThat(outcomeOf(f).failedAt()).isEqualTo("C");
  }

  @Test
  void probeFlag_isCoveredByTheTag_aKeyRelaysHopTurnedProbe_isRefused() {
    // a key relay's hop passed off as a probe (or the reverse) must not verify: the flag is MAC input
    tamper.put("A", m -> new HopMessage(m.relayId(), m.path(), m.hop(), "", "", m.keyIds(), m.keySizeBytes(),
        m.keyPad(), m.macPad(), m.ciphertext(), m.tag(), m.remainingMillis(), m.groupId(), m.shareIndex(),
        m.shareCount(), true));
    RelayOutcome o = outcomeOf(engines.get("A").originate("C", "A-APP", "C-APP", ids(1), KEY).toCompletableFuture());
    assertThat(o.reason()).isEqualTo(RelayOutcome.BAD_TAG);
    assertThat(stores.get("C").deliverableCount("C-APP")).isZero();
  }

  @Test
  void probeHop_carryingSaeIds_isRefusedBeforeAnyPadIsTouched() {
    tamper.put("A", m -> new HopMessage(m.relayId(), m.path(), m.hop(), "A-APP", "C-APP", m.keyIds(),
        m.keySizeBytes(), m.keyPad(), m.macPad(), m.ciphertext(), m.tag(), m.remainingMillis(), m.groupId(),
        m.shareIndex(), m.shareCount(), true));
    long before = ledger("B", "A", "B").used();
    RelayOutcome o = outcomeOf(engines.get("A").probe("C").toCompletableFuture());
    assertThat(o.reason()).isEqualTo(RelayOutcome.BAD_REQUEST);
    assertThat(o.detail()).contains("probe");
    assertThat(ledger("B", "A", "B").used()).isEqualTo(before);
  }

  @Test
  void drainedTransit_refusesBeforeAnyPadIsTouched_andTheOriginBurnsItsOwn() {
    routes.get("B").drained = true;
    long bUsed = ledger("B", "A", "B").used();
    RelayOutcome o = failure(ids(1));
    assertThat(o.reason()).isEqualTo(RelayOutcome.DRAINED);
    assertThat(o.failedAt()).isEqualTo("B");
    assertThat(o.retryable()).isTrue();
    assertThat(ledger("B", "A", "B").used()).isEqualTo(bUsed);
    assertThat(ledger("B", "B", "C").reserved()).isZero();
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(KEY + 32);
    // a drained destination still takes keys: drain stops transit and origin relays only
    routes.get("B").drained = false;
    routes.get("C").drained = true;
    assertThat(relay(ids(1)).keys()).hasSize(1);
  }

  @Test
  void hopMicros_areWhatEachSenderWaitedLessWhatItsReceiverSpent() {
    List<Long> hops = Origin.hopMicros(List.of("A", "B", "C"), 1_000,
        List.of(new RelayOutcome.StationTime("C", 200), new RelayOutcome.StationTime("B", 700)));
    assertThat(hops).containsExactly(300L, 500L);
    assertThat(Origin.hopMicros(List.of("A", "B", "C"), 1_000, List.of(new RelayOutcome.StationTime("C", 200))))
        .containsExactly(-1L, -1L);
  }

  @Test
  void originate_success_bothEndsOfEachLinkAgreeOnUsedPad() {
    relay(ids(2));
    int used = 2 * KEY + 32;
    assertThat(ledger("A", "A", "B").used()).isEqualTo(used);
    assertThat(ledger("B", "A", "B").used()).isEqualTo(used);
    assertThat(ledger("B", "B", "C").used()).isEqualTo(used);
    assertThat(ledger("C", "B", "C").used()).isEqualTo(used);
    for (String s : List.of("A", "B", "C")) {
      for (String[] st : new String[][] {{"A", "B"}, {"B", "A"}, {"B", "C"}, {"C", "B"}}) {
        if (st[0].equals(s) || st[1].equals(s)) {
          assertThat(ledger(s, st[0], st[1]).balances()).as(s + " " + st[0] + "->" + st[1]).isTrue();
        }
      }
    }
  }

  @Test
  void onHop_tamperedCiphertext_isRejectedPadBurnedNothingDelivered() {
    tamper.put("B", m -> HopFaults.apply(HopFaults.Fault.FLIP_CIPHERTEXT_BIT, m));
    List<String> keyIds = ids(1);

    RelayOutcome o = failure(keyIds);

    assertThat(o.reason()).isEqualTo(RelayOutcome.BAD_TAG);
    assertThat(o.failedAt()).isEqualTo("C");
    assertThat(ledger("C", "B", "C").burned()).isEqualTo(KEY + 32);
    assertThat(ledger("C", "B", "C").used()).isZero();
    assertThat(ledger("B", "B", "C").burned()).isEqualTo(KEY + 32);
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(KEY + 32);
    assertThat(stores.get("C").deliverableCount("C-APP")).isZero();
  }

  /** Every header field the tag covers, changed on hop 2 while the tag is kept. */
  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> headerTampering() {
    java.util.function.Function<UnaryOperator<HopMessage>, UnaryOperator<HopMessage>> f = x -> x;
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("path", f.apply(m -> copy(m, List.of("C", "B", "C"), m.hop(),
            m.masterSae(), m.slaveSae(), m.keyIds(), m.keySizeBytes(), m.keyPad(), m.macPad(), m.remainingMillis()))),
        org.junit.jupiter.params.provider.Arguments.of("hop", f.apply(m -> copy(m, m.path(), 1, m.masterSae(),
            m.slaveSae(), m.keyIds(), m.keySizeBytes(), m.keyPad(), m.macPad(), m.remainingMillis()))),
        org.junit.jupiter.params.provider.Arguments.of("master", f.apply(m -> copy(m, m.path(), m.hop(), "B-APP",
            m.slaveSae(), m.keyIds(), m.keySizeBytes(), m.keyPad(), m.macPad(), m.remainingMillis()))),
        org.junit.jupiter.params.provider.Arguments.of("slave", f.apply(m -> copy(m, m.path(), m.hop(), m.masterSae(),
            "A-APP", m.keyIds(), m.keySizeBytes(), m.keyPad(), m.macPad(), m.remainingMillis()))),
        org.junit.jupiter.params.provider.Arguments.of("key_IDs", f.apply(m -> copy(m, m.path(), m.hop(), m.masterSae(),
            m.slaveSae(), List.of(UUID.randomUUID().toString(), m.keyIds().get(1)), m.keySizeBytes(), m.keyPad(),
            m.macPad(), m.remainingMillis()))),
        org.junit.jupiter.params.provider.Arguments.of("size", f.apply(m -> copy(m, m.path(), m.hop(), m.masterSae(),
            m.slaveSae(), List.of(m.keyIds().get(0)), 2 * m.keySizeBytes(), m.keyPad(), m.macPad(),
            m.remainingMillis()))),
        org.junit.jupiter.params.provider.Arguments.of("ranges", f.apply(m -> copy(m, m.path(), m.hop(), m.masterSae(),
            m.slaveSae(), m.keyIds(), m.keySizeBytes(),
            new PadRange(m.keyPad().from(), m.keyPad().to(), m.keyPad().offset() + 1, m.keyPad().length()),
            new PadRange(m.macPad().from(), m.macPad().to(), m.macPad().offset() + 1, m.macPad().length()),
            m.remainingMillis()))),
        org.junit.jupiter.params.provider.Arguments.of("remaining time", f.apply(m -> copy(m, m.path(), m.hop(),
            m.masterSae(), m.slaveSae(), m.keyIds(), m.keySizeBytes(), m.keyPad(), m.macPad(),
            m.remainingMillis() + 1000))));
  }

  private static HopMessage copy(HopMessage m, List<String> path, int hop, String master, String slave,
      List<String> keyIds, int size, PadRange keyPad, PadRange macPad, long remaining) {
    return new HopMessage(m.relayId(), path, hop, master, slave, keyIds, size, keyPad, macPad, m.ciphertext(),
        m.tag(), remaining, m.groupId(), m.shareIndex(), m.shareCount());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("headerTampering")
  void onHop_tamperedHeaderField_isRejected_nothingDelivered_padNeverUsed(String field, UnaryOperator<HopMessage> t) {
    tamper.put("B", t);
    RelayOutcome o = failure(ids(2));

    assertThat(o.delivered()).isFalse();
    assertThat(o.reason()).as(field + ": " + o.detail())
        .isIn(RelayOutcome.BAD_TAG, RelayOutcome.BAD_REQUEST, RelayOutcome.UNKNOWN_SAE, RelayOutcome.PAD_RANGE_REJECTED);
    assertThat(stores.get("C").deliverableCount("C-APP")).isZero();
    assertThat(stores.get("C").deliverableCount("A-APP")).isZero();
    // the receiver never used the pad: refused before touching it, or burned when the tag failed
    assertThat(ledger("C", "B", "C").used()).isZero();
    assertThat(ledger("C", "B", "C").burned()).isIn(0L, (long) 2 * KEY + 32);
    if (o.reason().equals(RelayOutcome.BAD_TAG)) {
      assertThat(ledger("C", "B", "C").burned()).as("pad burned at the receiver").isEqualTo(2 * KEY + 32);
    }
    // the senders burned what they reserved: nothing can be used again
    assertThat(ledger("B", "B", "C").burned()).isEqualTo(2 * KEY + 32);
    assertThat(ledger("B", "B", "C").reserved()).isZero();
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(2 * KEY + 32);
  }

  @Test
  void onHop_tamperedTagOnFirstHop_isRejected() {
    tamper.put("A", m -> HopFaults.apply(HopFaults.Fault.FLIP_TAG_BIT, m));
    RelayOutcome o = failure(ids(1));
    assertThat(o.reason()).isEqualTo(RelayOutcome.BAD_TAG);
    assertThat(o.failedAt()).isEqualTo("B");
    assertThat(ledger("B", "A", "B").burned()).isEqualTo(KEY + 32);
    assertThat(ledger("B", "A", "B").used()).isZero();
    assertThat(sent).hasSize(1); // nothing forwarded past B
    // the MAC is checked before the outgoing reservation is written: none exists
    Ledger bc = ledger("B", "B", "C");
    assertThat(bc.reserved() + bc.used() + bc.burned()).isZero();
  }

  @Test
  void onHop_identicalRetry_getsSameAnswerWithoutTouchingPad() {
    relay(ids(1));
    HopMessage hop1 = sent.get(0);
    Ledger before = ledger("B", "A", "B");
    long deliverable = stores.get("C").deliverableCount("C-APP");

    RelayOutcome again = engines.get("B").onHop("A", hop1).toCompletableFuture().join();

    assertThat(again.delivered()).isTrue();
    assertThat(ledger("B", "A", "B")).isEqualTo(before);
    assertThat(stores.get("C").deliverableCount("C-APP")).isEqualTo(deliverable);
  }

  @Test
  void onHop_replayAfterRestart_isRejectedAsUsedPad() {
    relay(ids(1));
    HopMessage hop1 = sent.get(0);
    engines.put("B", engine("B")); // a restarted station has no memory of recent relay ids
    Ledger before = ledger("B", "A", "B");

    RelayOutcome replay = engines.get("B").onHop("A", hop1).toCompletableFuture().join();

    assertThat(replay.delivered()).isFalse();
    assertThat(replay.reason()).isEqualTo(RelayOutcome.PAD_RANGE_REJECTED);
    assertThat(ledger("B", "A", "B")).isEqualTo(before);
  }

  @Test
  void onHop_sameRelayIdDifferentContent_isRejectedWithoutTouchingPad() {
    relay(ids(1));
    HopMessage hop1 = sent.get(0);
    HopMessage forged = HopFaults.apply(HopFaults.Fault.FLIP_TAG_BIT, hop1);
    Ledger before = ledger("B", "A", "B");

    RelayOutcome o = engines.get("B").onHop("A", forged).toCompletableFuture().join();

    assertThat(o.reason()).isEqualTo(RelayOutcome.DUPLICATE_RELAY_ID);
    assertThat(ledger("B", "A", "B")).isEqualTo(before);
  }

  @Test
  void onHop_fromWrongPeer_isRejectedBeforeAnyPadIsTouched() {
    relay(ids(1));
    engines.put("B", engine("B"));
    HopMessage hop1 = sent.get(0);
    Ledger before = ledger("B", "A", "B");

    RelayOutcome o = engines.get("B").onHop("C", hop1).toCompletableFuture().join();

    assertThat(o.reason()).isEqualTo(RelayOutcome.BAD_REQUEST);
    assertThat(o.detail()).contains("must come from A");
    assertThat(ledger("B", "A", "B")).isEqualTo(before);
  }

  @Test
  void originate_poolExhausted_failsAndReservesNothing() {
    Ledger before = ledger("A", "A", "B");
    // more than the A->B stream holds (4 frames x 2048 bytes): 64 keys of 256 bytes
    CompletableFuture<RelayEngine.Delivery> f = engines.get("A")
        .originate("C", "A-APP", "C-APP", ids(64), 256).toCompletableFuture();
    RelayOutcome o = outcomeOf(f);
    assertThat(o.reason()).isEqualTo(RelayOutcome.POOL_EXHAUSTED);
    assertThat(ledger("A", "A", "B")).isEqualTo(before);
  }

  @Test
  void originate_downstreamPoolExhausted_transitRefusesWithoutTouchingIncomingPad() {
    // drain B->C so that the second hop cannot be reserved
    long avail = stores.get("B").availableToSend("C");
    stores.get("B").markUsed(stores.get("B").reserve("C", (int) avail - 10, "drain"));

    RelayOutcome o = failure(ids(1));

    assertThat(o.reason()).isEqualTo(RelayOutcome.POOL_EXHAUSTED);
    assertThat(o.failedAt()).isEqualTo("B");
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(KEY + 32);
    assertThat(ledger("A", "A", "B").available() + ledger("A", "A", "B").burned())
        .isEqualTo(ledger("A", "A", "B").generated());
    // the transit station saw it had no pad toward C before accepting anything: what it refuses
    // costs it nothing (the sender burned its reservation, the receiver never accepted the range)
    assertThat(ledger("B", "A", "B").burned()).isZero();
    assertThat(ledger("B", "A", "B").used()).isZero();
    assertThat(ledger("B", "B", "C").reserved()).isZero();
    assertThat(stores.get("C").deliverableCount("C-APP")).isZero();
  }

  @Test
  void originate_destinationDown_failsUnreachableAndBurns() {
    engines.remove("C");
    RelayOutcome o = failure(ids(1));
    assertThat(o.reason()).isEqualTo(RelayOutcome.UNREACHABLE);
    assertThat(ledger("B", "B", "C").burned()).isEqualTo(KEY + 32);
    assertThat(ledger("A", "A", "B").burned()).isEqualTo(KEY + 32);
  }

  @Test
  void onHop_unknownSlaveAtDestination_firstTransitRefusesBeforeAnyPad() {
    RelayOutcome o = outcomeOf(engines.get("A")
        .originate("C", "A-APP", "NOBODY", ids(1), KEY).toCompletableFuture());
    assertThat(o.reason()).isEqualTo(RelayOutcome.UNKNOWN_SAE);
    assertThat(o.failedAt()).isEqualTo("B");
    Ledger ab = ledger("B", "A", "B");
    assertThat(ab.used() + ab.burned()).isZero();
    assertThat(ledger("B", "B", "C").reserved() + ledger("B", "B", "C").burned()).isZero();
    assertThat(sent).hasSize(1);
    assertThat(stores.get("C").deliverableCount("NOBODY")).isZero();
  }

  @Test
  void originate_concurrentRelays_allDeliveredAndLedgersAgree() {
    List<List<String>> keyIds = new ArrayList<>();
    List<CompletableFuture<RelayEngine.Delivery>> inFlight = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      keyIds.add(ids(1));
    }
    // parallel streams: each relay runs its three stations' steps on a pool thread
    keyIds.parallelStream().forEach(k -> {
      CompletableFuture<RelayEngine.Delivery> f =
          engines.get("A").originate("C", "A-APP", "C-APP", k, KEY).toCompletableFuture();
      synchronized (inFlight) {
        inFlight.add(f);
      }
    });
    inFlight.forEach(CompletableFuture::join);

    int used = 12 * (KEY + 32);
    assertThat(ledger("A", "A", "B").used()).isEqualTo(used);
    assertThat(ledger("B", "A", "B").used()).isEqualTo(used);
    assertThat(ledger("B", "B", "C").used()).isEqualTo(used);
    assertThat(ledger("C", "B", "C").used()).isEqualTo(used);
    assertThat(stores.get("C").deliverableCount("C-APP")).isEqualTo(12);
  }

  @Test
  void originate_badArguments_failWithoutReserving() {
    Ledger before = ledger("A", "A", "B");
    assertThat(engines.get("A").originate("A", "A-APP", "A-APP", ids(1), KEY).toCompletableFuture())
        .isCompletedExceptionally();
    assertThat(engines.get("A").originate("C", "A-APP", "C-APP", ids(1), 0).toCompletableFuture())
        .isCompletedExceptionally();
    assertThat(engines.get("A").originate("C", "A-APP", "C-APP", List.of(), KEY).toCompletableFuture())
        .isCompletedExceptionally();
    assertThat(engines.get("A").originate("Z", "A-APP", "C-APP", ids(1), KEY).toCompletableFuture())
        .isCompletedExceptionally();
    assertThat(ledger("A", "A", "B")).isEqualTo(before);
  }

  @Test
  void hopMessage_toString_neverShowsCiphertextOrTag() {
    relay(ids(1));
    assertThat(sent.get(1).toString()).doesNotContain("ciphertext").doesNotContain("tag=");
  }
}
