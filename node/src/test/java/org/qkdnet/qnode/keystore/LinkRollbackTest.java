package org.qkdnet.qnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qkdnet.qnode.keystore.TestPads.frame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.TestTrees;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.crypto.TestKek;

/**
 * Issue 10 item 2 at the store: a link end restored from an earlier copy of its store, or wiped,
 * is caught by the audit with its peer before any pad is handed out or accepted again; the link
 * is quarantined at both ends with its unused pool burned, until the two ends re-key it under a
 * new epoch from a position beyond anything either end ever had.
 */
class LinkRollbackTest {
  @TempDir Path dir;

  private StationKeyStore open(String id) {
    StationKeyStore s = StationKeyStore.open(dir.resolve(id), id, TestKek.kek());
    s.requireLinkAudits();
    return s;
  }

  /** One audit as the station runs it: this end sends its account, gets the peer's, compares. */
  private static Optional<String> audit(StationKeyStore self, StationKeyStore peer) {
    LinkAudit before = self.linkAudit(peer.selfStationId());
    LinkAudit theirs = peer.linkAudit(self.selfStationId());
    return self.completeAudit(peer.selfStationId(), before, theirs);
  }

  /** A relay of 64 bytes from {@code a} to {@code b}: reserve, hand the range over, accept, confirm. */
  private static void relay(StationKeyStore a, StationKeyStore b, String id) {
    PadReservation r = a.reserve(b.selfStationId(), 64, id);
    try (KeyMaterial sent = a.padBytes(r);
        KeyMaterial got = b.acceptIncoming(a.selfStationId(), r.offset(), r.length(), id)) {
      assertThat(got.contentEquals(sent)).isTrue();
    }
    a.markUsed(r);
  }

  /** The re-key as the stations run it: {@code lo} proposes, {@code hi} restarts and answers, {@code lo} restarts. */
  private static long rekey(StationKeyStore lo, StationKeyStore hi) {
    long epoch = StationKeyStore.newEpochId();
    LinkPosition mine = lo.linkPosition(hi.selfStationId());
    LinkPosition theirs = hi.linkPosition(lo.selfStationId());
    hi.rekey(lo.selfStationId(), LinkPosition.agreed(theirs, mine), epoch, "the peer quarantined the link");
    lo.rekey(hi.selfStationId(), LinkPosition.agreed(mine, theirs), epoch, "test");
    return epoch;
  }

  private static void assertLedgersBalance(StationKeyStore s, String peer) {
    assertThat(s.ledger(new StreamId(s.selfStationId(), peer)).balances()).isTrue();
    assertThat(s.ledger(new StreamId(peer, s.selfStationId())).balances()).isTrue();
  }

  private void fill(StationKeyStore a, StationKeyStore b) {
    for (long f = 0; f < 4; f++) {
      SplitFrames.append(a, b.selfStationId(), f, frame(2000, f));
      SplitFrames.append(b, a.selfStationId(), f, frame(2000, f));
    }
  }


  @Test
  void freshLink_firstAuditPasses_epochIsAgreed_andOnlyThenPadFlows() {
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      fill(a, b);
      assertThatThrownBy(() -> a.reserve("B", 64, "early")).isInstanceOf(PoolExhaustedException.class)
          .hasMessageContaining("not yet audited");
      assertThat(audit(b, a)).isEmpty(); // the higher id first: no epoch yet, waits for A's
      assertThat(audit(a, b)).isEmpty();
      assertThat(audit(b, a)).isEmpty();
      assertThat(a.linkAudit("B").epoch()).isNotZero().isEqualTo(b.linkAudit("A").epoch());
      relay(a, b, "r1");
      relay(b, a, "r2");
      assertThat(audit(a, b)).isEmpty();
      assertThat(audit(b, a)).isEmpty();
    }
  }

  @Test
  void endRestoredFromAnEarlierCopy_isQuarantinedAtBothEnds_beforeAnyPadIsHandedOutAgain() throws Exception {
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      fill(a, b);
      audit(a, b);
      audit(b, a);
      relay(a, b, "r1");
    }
    TestTrees.copy(dir.resolve("A"), dir.resolve("A-backup"));
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      audit(a, b);
      audit(b, a);
      relay(a, b, "r2");
      relay(a, b, "r3");
      relay(b, a, "r4");
    }
    TestTrees.delete(dir.resolve("A"));
    Files.move(dir.resolve("A-backup"), dir.resolve("A")); // the operator restores last night's backup

    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      long offsetThatWasReused = a.linkAudit("B").sendCursor();
      // before any audit the restored end hands out nothing
      assertThatThrownBy(() -> a.reserve("B", 64, "r5")).isInstanceOf(PoolExhaustedException.class);
      assertThat(audit(a, b)).hasValueSatisfying(p -> assertThat(p).contains("this store was rolled back"));
      assertThat(audit(b, a)).isPresent();
      assertThat(a.isQuarantined("B")).isTrue();
      assertThat(b.isQuarantined("A")).isTrue();
      // so pad at offsetThatWasReused (already used by r2) never reaches a transport again
      assertThatThrownBy(() -> a.reserve("B", 64, "r5")).isInstanceOf(PoolExhaustedException.class)
          .hasMessageContaining("quarantined");
      assertThatThrownBy(() -> b.acceptIncoming("A", offsetThatWasReused, 64, "r5"))
          .isInstanceOf(PadRangeRejectedException.class);
      // the stale pool is burned at both ends, ledgers balanced, and no new key comes in
      for (StationKeyStore s : new StationKeyStore[] {a, b}) {
        String peer = s == a ? "B" : "A";
        assertThat(s.availableToSend(peer)).isZero();
        assertThat(s.ledger(new StreamId(s.selfStationId(), peer)).balances()).isTrue();
        assertThat(s.ledger(new StreamId(peer, s.selfStationId())).available()).isZero();
      }
      assertThatThrownBy(() -> a.appendFrame("B", 4, frame(2000, 4))).hasMessageContaining("quarantined");
    }
    // and it stays so after a restart
    try (StationKeyStore a = open("A")) {
      assertThat(a.isQuarantined("B")).isTrue();
    }
  }

  @Test
  void restoredEnd_reKeyed_startsBeyondEverythingEitherEndHad_andCarriesFreshPadOnly() throws Exception {
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      fill(a, b);
      audit(a, b);
      audit(b, a);
      relay(a, b, "r1");
    }
    TestTrees.copy(dir.resolve("A"), dir.resolve("A-backup"));
    long oldEpoch;
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      audit(a, b);
      audit(b, a);
      oldEpoch = a.linkAudit("B").epoch();
      for (long f = 4; f < 6; f++) { // two more frames that the backup does not know
        SplitFrames.append(a, "B", f, frame(2000, f));
        SplitFrames.append(b, "A", f, frame(2000, f));
      }
      relay(a, b, "r2");
      relay(b, a, "r3");
    }
    TestTrees.delete(dir.resolve("A"));
    Files.move(dir.resolve("A-backup"), dir.resolve("A"));

    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      assertThat(a.nextFrameId("B")).isEqualTo(4);
      assertThat(audit(a, b)).isPresent();
      assertThat(audit(b, a)).isPresent();
      long usedByB = b.linkPosition("A").recvEnd(); // everything B ever accepted or burned from A
      long usedByA = b.linkPosition("A").sendEnd();

      long epoch = rekey(a, b);

      assertThat(epoch).isNotEqualTo(oldEpoch);
      assertThat(a.isQuarantined("B")).isFalse();
      assertThat(b.isQuarantined("A")).isFalse();
      // not before an audit of the new epoch
      assertThatThrownBy(() -> a.reserve("B", 64, "early")).isInstanceOf(PoolExhaustedException.class)
          .hasMessageContaining("not yet audited");
      assertThat(audit(a, b)).isEmpty();
      assertThat(audit(b, a)).isEmpty();
      assertThat(a.linkAudit("B").epoch()).isEqualTo(epoch).isEqualTo(b.linkAudit("A").epoch());
      // the stale pool is gone at both ends; the frame counter continues after the newest frame either had
      assertThat(a.availableToSend("B")).isZero();
      assertThat(b.availableToSend("A")).isZero();
      assertThat(a.nextFrameId("B")).isEqualTo(6).isEqualTo(b.nextFrameId("A"));
      assertThat(a.appendFrame("B", 4, frame(2000, 4))).isFalse(); // a frame id B already had: not again
      // fresh frames: pad flows again, beyond every offset used before the rollback
      for (long f = 6; f < 8; f++) {
        assertThat(SplitFrames.append(a, "B", f, frame(2000, f))).isTrue();
        assertThat(SplitFrames.append(b, "A", f, frame(2000, f))).isTrue();
      }
      PadReservation r = a.reserve("B", 64, "r4");
      assertThat(r.offset()).isGreaterThanOrEqualTo(usedByB);
      try (KeyMaterial sent = a.padBytes(r); KeyMaterial got = b.acceptIncoming("A", r.offset(), 64, "r4")) {
        assertThat(got.contentEquals(sent)).isTrue();
      }
      a.markUsed(r);
      PadReservation back = b.reserve("A", 64, "r5");
      assertThat(back.offset()).isGreaterThanOrEqualTo(usedByA);
      assertLedgersBalance(a, "B");
      assertLedgersBalance(b, "A");
      assertThat(audit(a, b)).isEmpty();
      assertThat(audit(b, a)).isEmpty();
      b.burn(back);
    }
    // the new epoch holds across restarts
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      assertThat(audit(a, b)).isEmpty();
      assertThat(audit(b, a)).isEmpty();
      relay(a, b, "r6");
      assertLedgersBalance(a, "B");
    }
  }

  @Test
  void reKeyThatOnlyOneEndApplied_isCaughtByTheNextAudit_andDoneAgain() throws Exception {
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      fill(a, b);
      audit(a, b);
      audit(b, a);
      relay(a, b, "r1");
    }
    TestTrees.delete(dir.resolve("B"));
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      assertThat(audit(a, b)).isPresent();
      assertThat(audit(b, a)).isPresent();
      // B restarts under the proposed epoch, A crashes before it does
      LinkPosition mine = a.linkPosition("B");
      LinkPosition theirs = b.linkPosition("A");
      b.rekey("A", LinkPosition.agreed(theirs, mine), StationKeyStore.newEpochId(), "the peer quarantined the link");
      assertThat(a.isQuarantined("B")).isTrue();
      assertThat(audit(b, a)).hasValueSatisfying(p -> assertThat(p).contains("epochs differ"));
      assertThat(b.isQuarantined("A")).isTrue();
      rekey(a, b);
      assertThat(audit(a, b)).isEmpty();
      assertThat(audit(b, a)).isEmpty();
      for (long f = 4; f < 6; f++) {
        SplitFrames.append(a, "B", f, frame(2000, f));
        SplitFrames.append(b, "A", f, frame(2000, f));
      }
      relay(a, b, "r2");
      relay(b, a, "r3");
      assertLedgersBalance(a, "B");
      assertLedgersBalance(b, "A");
    }
  }

  @Test
  void reKey_isRefusedWhileARelayHoldsPad_andNeverGoesBack() {
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      fill(a, b);
      audit(a, b);
      audit(b, a);
      PadReservation inFlight = a.reserve("B", 64, "r1");
      LinkPosition here = a.linkPosition("B");
      assertThatThrownBy(() -> a.rekey("B", here, 7, "test")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in flight");
      a.burn(inFlight);
      LinkPosition behind = new LinkPosition(here.nextFrame() - 1, here.linkBytes(), here.nextSeq(), here.sendEnd(),
          here.recvEnd());
      assertThatThrownBy(() -> a.rekey("B", behind, 7, "test")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("go back");
      assertThatThrownBy(() -> a.rekey("B", here, 0, "test")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void wipedEnd_isCaught() throws Exception {
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      fill(a, b);
      audit(a, b);
      audit(b, a);
      relay(a, b, "r1");
      relay(b, a, "r2");
    }
    TestTrees.delete(dir.resolve("B"));
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      assertThat(audit(b, a)).isPresent();
      assertThat(audit(a, b)).isPresent();
      assertThat(a.isQuarantined("B")).isTrue();
    }
  }

  @Test
  void replayedHopToARolledBackReceiver_isRefused() throws Exception {
    long replayOffset;
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      fill(a, b);
      audit(a, b);
      audit(b, a);
    }
    TestTrees.copy(dir.resolve("B"), dir.resolve("B-backup"));
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      audit(a, b);
      audit(b, a);
      replayOffset = a.linkAudit("B").sendCursor();
      relay(a, b, "r1"); // B accepted this hop after the backup was taken
    }
    TestTrees.delete(dir.resolve("B"));
    Files.move(dir.resolve("B-backup"), dir.resolve("B"));
    try (StationKeyStore a = open("A"); StationKeyStore b = open("B")) {
      // the attacker replays r1's hop: the restored B has no record of accepting it
      assertThatThrownBy(() -> b.acceptIncoming("A", replayOffset, 64, "r1"))
          .isInstanceOf(PadRangeRejectedException.class).hasMessageContaining("LINK_BLOCKED");
      assertThat(audit(b, a)).hasValueSatisfying(p -> assertThat(p).contains("receiving records were rolled back"));
      assertThatThrownBy(() -> b.acceptIncoming("A", replayOffset, 64, "r1"))
          .isInstanceOf(PadRangeRejectedException.class);
    }
  }
}
