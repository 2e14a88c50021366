package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.keystore.DeliverableInfo;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.LinkRanges;
import org.qkdnet.qnode.keystore.LinkRanges.Mark;
import org.qkdnet.qnode.keystore.LinkRanges.Range;
import org.qkdnet.qnode.keystore.StreamId;

/** The checker on hand-made histories and stores, one per kind of violation, and a clean one. */
class CheckerTest {
  private static final String PAIR = "A-APP>B-APP";
  private static final Map<String, String> SAES = Map.of("A-APP", "A", "B-APP", "B");
  private static final List<ChaosNetwork.Link> LINKS = List.of(new ChaosNetwork.Link("A", "B"));

  private final List<History.Op> ops = new ArrayList<>();

  private void relay(String keyId, String sha, long at) {
    ops.add(new History.Op(History.Kind.ENC, PAIR, at, at + 5, 200, keyId, sha, ""));
    ops.add(new History.Op(History.Kind.DEC, PAIR, at + 6, at + 8, 200, keyId, sha, ""));
  }

  /** A sent 0..128 (USED), B accepted it: both ends agree, ledgers balance. */
  private static Map<String, StationState> cleanStores(List<DeliverableInfo> atB) {
    return Map.of("A", store("A", "B", List.of(new Range(0, 64, Mark.USED), new Range(64, 128, Mark.USED)), 128,
            0, List.of(), new Ledger(1000, 872, 0, 128, 0), new Ledger(1000, 1000, 0, 0, 0), List.of()),
        "B", store("B", "A", List.of(), 0, 0, List.of(new Range(0, 128, Mark.USED)),
            new Ledger(1000, 1000, 0, 0, 0), new Ledger(1000, 872, 0, 128, 0), atB));
  }

  private static StationState store(String self, String peer, List<Range> sent, long cursor, long watermark,
      List<Range> received, Ledger send, Ledger recv, List<DeliverableInfo> deliverables) {
    return new StationState(self,
        Map.of(peer, new LinkRanges(new StreamId(self, peer), sent, cursor, watermark, received)),
        Map.of(new StreamId(self, peer), send, new StreamId(peer, self), recv), deliverables);
  }

  /** Abnormal ends of stations (ms on the history's clock). */
  private final Map<String, List<Long>> ends = new java.util.HashMap<>();

  private Checker.Result check(Map<String, StationState> after, Map<String, StationState> before,
      Map<String, List<String>> leaks, long lastHeal) {
    return Checker.check(new Checker.Input(ops, SAES, LINKS, after, before, Set.of(), leaks, lastHeal, 1_000,
        List.of(PAIR), ends, Set.of()));
  }

  private static List<String> invariants(Checker.Result r) {
    return r.violations().stream().map(Violation::invariant).toList();
  }

  @Test
  void check_cleanRun_findsNothingAndCountsRelays() {
    relay("k1", "aa", 0);
    relay("k2", "bb", 100);
    ops.add(new History.Op(History.Kind.ENC, PAIR, 200, 210, 503, null, null, "no route"));
    ops.add(new History.Op(History.Kind.REFETCH, PAIR, 300, 301, 400, "k1", null, "unknown key"));

    Checker.Result r = check(cleanStores(List.of()), Map.of(), Map.of(), 50);

    assertThat(r.violations()).isEmpty();
    assertThat(r.relaysOk()).isEqualTo(2);
    assertThat(r.relaysFailed()).isEqualTo(1);
    assertThat(r.recoveryMs()).containsEntry(PAIR, 58L);
  }

  @Test
  void check_sameKeyValueUnderTwoKeyIds_isI1() {
    relay("k1", "aa", 0);
    relay("k2", "aa", 100);

    Checker.Result r = check(cleanStores(List.of()), Map.of(), Map.of(), -1);

    assertThat(invariants(r)).containsExactly("I1");
    assertThat(r.violations().get(0).subject()).isEqualTo("k1,k2");
    assertThat(r.violations().get(0).stations()).containsExactly("A", "B");
  }

  @Test
  void check_keyFetchedTwice_isI2() {
    relay("k1", "aa", 0);
    ops.add(new History.Op(History.Kind.REFETCH, PAIR, 300, 301, 200, "k1", "aa", ""));

    assertThat(invariants(check(cleanStores(List.of()), Map.of(), Map.of(), -1))).containsExactly("I2");
  }

  @Test
  void check_slaveKeyDiffers_isI2() {
    ops.add(new History.Op(History.Kind.ENC, PAIR, 0, 5, 200, "k1", "aa", ""));
    ops.add(new History.Op(History.Kind.DEC, PAIR, 6, 8, 200, "k1", "ab", ""));

    Checker.Result r = check(cleanStores(List.of()), Map.of(), Map.of(), -1);

    assertThat(invariants(r)).containsExactly("I2");
    assertThat(r.violations().get(0).detail()).contains("differs");
    assertThat(r.relaysOk()).isZero();
  }

  @Test
  void check_masterKeyNeverFetched_isI2_lostOrStillStored() {
    ops.add(new History.Op(History.Kind.ENC, PAIR, 0, 5, 200, "k1", "aa", ""));
    ops.add(new History.Op(History.Kind.DEC, PAIR, 6, 8, 503, "k1", null, "unavailable"));

    Checker.Result lost = check(cleanStores(List.of()), Map.of(), Map.of(), -1);
    Checker.Result stored = check(cleanStores(List.of(new DeliverableInfo("k1", "A-APP", "B-APP"))), Map.of(),
        Map.of(), -1);

    assertThat(invariants(lost)).containsExactly("I2");
    assertThat(lost.violations().get(0).detail()).contains("(lost)");
    assertThat(stored.violations().get(0).detail()).contains("still stored at B");
    assertThat(lost.relaysFailed()).isEqualTo(1);
  }

  @Test
  void check_keyStoredThatNoMasterGot_isAnOrphanNotAViolation() {
    relay("k1", "aa", 0);

    Checker.Result r = check(cleanStores(List.of(new DeliverableInfo("k9", "A-APP", "B-APP"))), Map.of(), Map.of(),
        -1);

    assertThat(r.violations()).isEmpty();
    assertThat(r.orphans()).isEqualTo(1);
    Map<String, StationState> stores = cleanStores(List.of(new DeliverableInfo("k9", "A-APP", "B-APP")));
    assertThat(check(stores, stores, Map.of(), -1).orphans()).as("left by an earlier scenario").isZero();
  }

  @Test
  void check_fetchedKeyWaitingAgain_isI4() {
    relay("k1", "aa", 0);

    Checker.Result r = check(cleanStores(List.of(new DeliverableInfo("k1", "A-APP", "B-APP"))), Map.of(), Map.of(),
        -1);

    assertThat(invariants(r)).containsExactly("I4");
  }

  @Test
  void check_fetchedKeyWaitingAgainAfterItsStationCrashedRightAfterTheFetch_isCountedNotAViolation() {
    relay("k1", "aa", 0); // fetched at 6..8 ms
    ends.put("B", List.of(900L)); // B halted 0.9 s later, before the fetch's delete was written
    List<DeliverableInfo> back = List.of(new DeliverableInfo("k1", "A-APP", "B-APP"));

    Checker.Result r = check(cleanStores(back), Map.of(), Map.of(), -1);

    assertThat(r.violations()).isEmpty();
    assertThat(r.cameBack()).containsExactly("k1");
    assertThat(r.relaysOk()).isEqualTo(1);
  }

  @Test
  void check_fetchedKeyWaitingAgain_crashTooLateOrElsewhereOrOrderly_isI4() {
    relay("k1", "aa", 0);
    List<DeliverableInfo> back = List.of(new DeliverableInfo("k1", "A-APP", "B-APP"));

    ends.put("B", List.of(8L + Checker.CRASH_WINDOW_MS + 1)); // long after the fetch: its delete was durable
    assertThat(invariants(check(cleanStores(back), Map.of(), Map.of(), -1))).containsExactly("I4");
    ends.clear();
    ends.put("A", List.of(100L)); // the master's station, not the one holding the key
    assertThat(invariants(check(cleanStores(back), Map.of(), Map.of(), -1))).containsExactly("I4");
    ends.clear();
    ends.put("B", List.of(-500L)); // before the fetch
    assertThat(invariants(check(cleanStores(back), Map.of(), Map.of(), -1))).containsExactly("I4");
  }

  @Test
  void check_keyFetchedAgainAfterItsStationsCrashWindow_isCounted_butThreeFetchesOrNoCrashAreI2() {
    relay("k1", "aa", 0);
    ops.add(new History.Op(History.Kind.DEC, PAIR, 3_000, 3_010, 200, "k1", "aa", ""));
    ends.put("B", List.of(500L));

    Checker.Result r = check(cleanStores(List.of()), Map.of(), Map.of(), -1);
    assertThat(r.violations()).isEmpty();
    assertThat(r.cameBack()).containsExactly("k1");

    ops.add(new History.Op(History.Kind.REFETCH, PAIR, 4_000, 4_001, 200, "k1", "aa", ""));
    assertThat(invariants(check(cleanStores(List.of()), Map.of(), Map.of(), -1))).containsExactly("I2");
    ops.remove(ops.size() - 1);
    ends.clear();
    assertThat(invariants(check(cleanStores(List.of()), Map.of(), Map.of(), -1))).containsExactly("I2");
  }

  @Test
  void check_receiverAcceptedRangeNotCoveredBySender_isI1() {
    Map<String, StationState> after = Map.of(
        "A", store("A", "B", List.of(new Range(0, 64, Mark.USED)), 64, 0, List.of(),
            new Ledger(1000, 936, 0, 64, 0), new Ledger(1000, 1000, 0, 0, 0), List.of()),
        "B", store("B", "A", List.of(), 0, 0, List.of(new Range(0, 128, Mark.USED)),
            new Ledger(1000, 1000, 0, 0, 0), new Ledger(1000, 872, 0, 128, 0), List.of()));

    Checker.Result r = check(after, Map.of(), Map.of(), -1);

    assertThat(invariants(r)).containsExactly("I1");
    assertThat(r.violations().get(0).subject()).isEqualTo("A>B [0, 128)");
    assertThat(r.violations().get(0).stations()).containsExactly("A", "B");
  }

  @Test
  void check_senderHandedOutRangeTwice_isI1() {
    Map<String, StationState> after = Map.of(
        "A", store("A", "B", List.of(new Range(0, 64, Mark.USED), new Range(32, 96, Mark.BURNED)), 96, 0, List.of(),
            new Ledger(1000, 904, 0, 64, 32), new Ledger(1000, 1000, 0, 0, 0), List.of()),
        "B", store("B", "A", List.of(), 0, 0, List.of(new Range(0, 64, Mark.USED)),
            new Ledger(1000, 1000, 0, 0, 0), new Ledger(1000, 936, 0, 64, 0), List.of()));

    assertThat(invariants(check(after, Map.of(), Map.of(), -1))).containsExactly("I1");
  }

  @Test
  void check_senderUsedWhatReceiverNeverAccepted_andUnbalancedLedger_areI3() {
    Map<String, StationState> after = Map.of(
        "A", store("A", "B", List.of(new Range(0, 64, Mark.USED)), 64, 0, List.of(),
            new Ledger(1000, 900, 0, 64, 0), new Ledger(1000, 1000, 0, 0, 0), List.of()),
        "B", store("B", "A", List.of(), 0, 0, List.of(), new Ledger(1000, 1000, 0, 0, 0),
            new Ledger(1000, 1000, 0, 0, 0), List.of()));

    assertThat(invariants(check(after, Map.of(), Map.of(), -1))).containsExactlyInAnyOrder("I3", "I3");
  }

  @Test
  void check_consumedPadBackAfterRestart_isI4() {
    Map<String, StationState> before = cleanStores(List.of());
    Map<String, StationState> after = Map.of("A", before.get("A"),
        "B", store("B", "A", List.of(), 0, 0, List.of(new Range(64, 128, Mark.USED)),
            new Ledger(1000, 1000, 0, 0, 0), new Ledger(1000, 936, 0, 64, 0), List.of()));

    Checker.Result r = check(after, before, Map.of(), -1);

    // B forgot it accepted [0, 64): its counters shrank and the range could be accepted again
    assertThat(invariants(r)).contains("I4").doesNotContain("I1", "I2");
    assertThat(r.violations()).anyMatch(x -> x.subject().equals("A>B [0, 128)") && x.invariant().equals("I4"));
  }

  @Test
  void check_keyBytesInALog_isI5() {
    relay("k1", "aa", 0);

    Checker.Result r = check(cleanStores(List.of()), Map.of(), Map.of("logs/s1/BRA-2.err", List.of("k1")), -1);

    assertThat(invariants(r)).containsExactly("I5");
    assertThat(r.violations().get(0).stations()).containsExactly("BRA");
  }

  @Test
  void check_noKeyAfterLastHealWithinBound_isLiveness() {
    relay("k1", "aa", 0);
    relay("k2", "bb", 5_000);

    Checker.Result late = check(cleanStores(List.of()), Map.of(), Map.of(), 3_000);
    Checker.Result never = check(cleanStores(List.of()), Map.of(), Map.of(), 6_000);

    assertThat(invariants(late)).containsExactly("liveness");
    assertThat(late.recoveryMs()).containsEntry(PAIR, 2_008L);
    assertThat(invariants(never)).containsExactly("liveness");
    assertThat(never.violations().get(0).detail()).contains("no key delivered");
  }
}
