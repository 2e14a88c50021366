package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.TestKek;

import org.qkdnet.qnode.crypto.KeyMaterial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qkdnet.qnode.keystore.TestPads.frame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.keystore.PadRangeRejectedException.Reason;

class StationKeyStoreTest {
  private static final StreamId A_TO_B = new StreamId("A", "B");
  private static final StreamId B_TO_A = new StreamId("B", "A");

  @TempDir Path dirA;
  @TempDir Path dirB;

  @Test
  void ledger_afterAppendReserveUseBurn_balances() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(1000, 1));
      SplitFrames.append(a, "B", 1, frame(1001, 2));
      PadReservation used = a.reserve("B", 100, "r1");
      PadReservation burned = a.reserve("B", 50, "r2");
      a.reserve("B", 30, "r3");
      a.markUsed(used);
      a.burn(burned);

      Ledger send = a.ledger(A_TO_B);
      assertThat(send).isEqualTo(new Ledger(1000, 820, 30, 100, 50));
      assertThat(send.balances()).isTrue();
      assertThat(a.availableToSend("B")).isEqualTo(820);

      a.acceptIncoming("B", 0, 200, "in1");
      a.burnIncoming("B", 50, 25);
      Ledger recv = a.ledger(B_TO_A);
      assertThat(recv).isEqualTo(new Ledger(1001, 801, 0, 175, 25));
      assertThat(recv.balances()).isTrue();
    }
  }

  @Test
  void reserve_beyondAvailable_throwsAndChangesNothing() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(200, 1));
      a.reserve("B", 60, "r1");
      Ledger before = a.ledger(A_TO_B);

      assertThatThrownBy(() -> a.reserve("B", 41, "r2"))
          .isInstanceOf(PoolExhaustedException.class)
          .hasMessageContaining("A->B")
          .hasMessageContaining("41")
          .hasMessageContaining("40 available");

      assertThat(a.ledger(A_TO_B)).isEqualTo(before);
      assertThat(a.reserve("B", 40, "r3").offset()).isEqualTo(60);
    }
  }

  @Test
  void reserve_unknownPeer_throwsPoolExhausted() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      assertThatThrownBy(() -> a.reserve("Z", 1, "r1")).isInstanceOf(PoolExhaustedException.class);
      assertThat(a.ledger(new StreamId("A", "Z"))).isEqualTo(new Ledger(0, 0, 0, 0, 0));
    }
  }

  @Test
  void appendFrame_bothEnds_reservedPadEqualsAcceptedPad() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek());
        StationKeyStore b = StationKeyStore.open(dirB, "B", TestKek.kek())) {
      for (int f = 0; f < 3; f++) {
        KeyMaterial fr = frame(101 + f, 10 + f);
        SplitFrames.append(a, "B", f, fr);
        SplitFrames.append(b, "A", f, fr);
      }
      // Frames of 101, 102, 103 bytes: lo "A" gets floor(len/2) = 50 + 51 + 51.
      assertThat(a.ledger(A_TO_B).generated()).isEqualTo(152);
      assertThat(b.ledger(A_TO_B).generated()).isEqualTo(152);
      assertThat(b.ledger(B_TO_A).generated()).isEqualTo(154);

      PadReservation toB = a.reserve("B", 120, "r1");
      KeyMaterial sent = a.padBytes(toB);
      KeyMaterial got = b.acceptIncoming("A", toB.offset(), toB.length(), "r1");
      assertThat(sent.contentEquals(got)).isTrue();

      PadReservation toA = b.reserve("A", 154, "r2");
      assertThat(b.padBytes(toA).contentEquals(a.acceptIncoming("B", 0, 154, "r2"))).isTrue();
      assertThat(a.padBytes(toB).contentEquals(b.padBytes(toA).slice(0, 120))).isFalse();
    }
  }

  @Test
  void padBytes_spanningFrames_matchesFrameHalvesInOrder() {
    KeyMaterial f0 = frame(10, 1);
    KeyMaterial f1 = frame(11, 2);
    try (StationKeyStore b = StationKeyStore.open(dirB, "B", TestKek.kek())) {
      SplitFrames.append(b, "A", 0, f0);
      SplitFrames.append(b, "A", 1, f1);
      // B is "hi" toward A: it sends on B->A, which takes the second part of each frame.
      PadReservation r = b.reserve("A", 11, "r1");

      KeyMaterial expected = TestPads.concat(f0.slice(5, 5), f1.slice(5, 6));
      assertThat(b.padBytes(r).contentEquals(expected)).isTrue();
    }
  }

  @Test
  void appendFrame_repeatedFrameId_isIgnored() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      assertThat(a.appendFrame("B", 7, frame(10, 1))).isTrue();
      assertThat(a.appendFrame("B", 8, frame(10, 2))).isTrue();

      assertThat(a.appendFrame("B", 8, frame(10, 2))).isFalse();
      assertThat(a.appendFrame("B", 7, frame(10, 1))).isFalse();
      assertThat(a.supply("B").linkBytes()).isEqualTo(20);
      assertThat(a.supply("B").unassigned()).isEqualTo(20);
      assertThat(a.ledger(A_TO_B).generated()).isZero();
    }
  }

  @Test
  void appendFrame_gapOrBackwards_throwsNamingFrameIds() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 5, frame(10, 1));

      assertThatThrownBy(() -> a.appendFrame("B", 7, frame(10, 2)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("7")
          .hasMessageContaining("expected 6");
      assertThatThrownBy(() -> a.appendFrame("B", 4, frame(10, 2)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key frame 4");
      assertThat(a.ledger(A_TO_B).generated()).isEqualTo(5);
    }
  }

  @Test
  void acceptIncoming_overlappingOrReplayedRange_isRejectedAndChangesNothing() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(400, 1));
      a.acceptIncoming("B", 100, 50, "r1");
      Ledger before = a.ledger(B_TO_A);

      assertThat(rejection(() -> a.acceptIncoming("B", 100, 50, "r1")))
          .isEqualTo(Reason.OVERLAPS_USED);
      assertThat(rejection(() -> a.acceptIncoming("B", 149, 10, "r2")))
          .isEqualTo(Reason.OVERLAPS_USED);
      assertThat(rejection(() -> a.acceptIncoming("B", 90, 11, "r3")))
          .isEqualTo(Reason.OVERLAPS_USED);
      assertThat(a.ledger(B_TO_A)).isEqualTo(before);
      // The neighbours on both sides are still free.
      a.acceptIncoming("B", 90, 10, "r4");
      a.acceptIncoming("B", 150, 10, "r5");
    }
  }

  @Test
  void acceptIncoming_badRanges_rejectedWithReason() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(100, 1));

      assertThat(rejection(() -> a.acceptIncoming("B", 40, 11, "r")))
          .isEqualTo(Reason.NOT_GENERATED_YET);
      assertThat(rejection(() -> a.acceptIncoming("B", -1, 5, "r")))
          .isEqualTo(Reason.INVALID_RANGE);
      assertThat(rejection(() -> a.acceptIncoming("B", 0, 0, "r")))
          .isEqualTo(Reason.INVALID_RANGE);
      assertThat(rejection(() -> a.acceptIncoming("B", Long.MAX_VALUE - 2, 5, "r")))
          .isEqualTo(Reason.INVALID_RANGE);
      assertThat(a.ledger(B_TO_A)).isEqualTo(new Ledger(50, 50, 0, 0, 0));
    }
  }

  @Test
  void acceptIncoming_outOfOrder_acceptsAllAndKeepsBytesRight() {
    KeyMaterial f = frame(200, 3);
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, f);
      KeyMaterial third = a.acceptIncoming("B", 60, 30, "r3");
      KeyMaterial first = a.acceptIncoming("B", 0, 30, "r1");
      KeyMaterial second = a.acceptIncoming("B", 30, 30, "r2");

      KeyMaterial b2a = f.slice(100, 100);
      assertThat(first.contentEquals(b2a.slice(0, 30))).isTrue();
      assertThat(second.contentEquals(b2a.slice(30, 30))).isTrue();
      assertThat(third.contentEquals(b2a.slice(60, 30))).isTrue();
      assertThat(a.ledger(B_TO_A)).isEqualTo(new Ledger(100, 10, 0, 90, 0));
    }
  }

  @Test
  void burnIncoming_neverAcceptedRange_throwsAndChangesNothing() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(200, 3));
      a.acceptIncoming("B", 0, 10, "r1");

      assertThatThrownBy(() -> a.burnIncoming("B", 5, 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("never accepted");
      a.burnIncoming("B", 0, 10);
      a.burnIncoming("B", 0, 10);
      assertThat(a.ledger(B_TO_A)).isEqualTo(new Ledger(100, 90, 0, 0, 10));
    }
  }

  @Test
  void acceptIncoming_manyGaps_foldsIntoWatermarkAndStaysBalanced() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek(), 4)) {
      SplitFrames.append(a, "B", 0, frame(400, 3));
      for (int i = 0; i < 6; i++) {
        a.acceptIncoming("B", i * 20L + 10, 10, "r" + i);
      }
      Ledger l = a.ledger(B_TO_A);
      assertThat(l.balances()).isTrue();
      assertThat(l.used()).isEqualTo(60);
      assertThat(l.burned()).isPositive();
      // A gap folded below the watermark can never be accepted again.
      assertThat(rejection(() -> a.acceptIncoming("B", 0, 10, "late")))
          .isEqualTo(Reason.OVERLAPS_USED);
    }
  }

  @Test
  void settle_repeatOrConflict_isIdempotentOrRejected() {
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(200, 1));
      PadReservation r = a.reserve("B", 10, "r1");
      a.markUsed(r);
      a.markUsed(r);

      assertThatThrownBy(() -> a.burn(r))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already USED");
      assertThatThrownBy(() -> a.markUsed(new PadReservation(A_TO_B, 0, 10, "other")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(a.ledger(A_TO_B)).isEqualTo(new Ledger(100, 90, 0, 10, 0));

      PadReservation b = a.reserve("B", 10, "r2");
      a.burn(b);
      assertThatThrownBy(() -> a.padBytes(b)).isInstanceOf(IllegalStateException.class);
      assertThat(a.padBytes(r).length()).isEqualTo(10);
    }
  }

  @Test
  void reopen_afterCrashWithReservation_burnsItAndKeepsEverythingConsumed() {
    PadReservation inDoubt;
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(1000, 1));
      a.markUsed(a.reserve("B", 100, "r1"));
      inDoubt = a.reserve("B", 50, "r2");
      a.acceptIncoming("B", 200, 40, "in1");
      a.acceptIncoming("B", 0, 40, "in2");
    }
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      assertThat(a.ledger(A_TO_B)).isEqualTo(new Ledger(500, 350, 0, 100, 50));
      assertThatThrownBy(() -> a.markUsed(inDoubt)).isInstanceOf(IllegalStateException.class);
      assertThat(a.reserve("B", 10, "r3").offset()).isEqualTo(150);
      assertThat(rejection(() -> a.acceptIncoming("B", 210, 5, "replay")))
          .isEqualTo(Reason.OVERLAPS_USED);
      assertThat(rejection(() -> a.acceptIncoming("B", 39, 2, "replay")))
          .isEqualTo(Reason.OVERLAPS_USED);
      assertThat(a.ledger(B_TO_A)).isEqualTo(new Ledger(500, 420, 0, 80, 0));
      assertThat(a.appendFrame("B", 0, frame(1000, 1))).isFalse();
      assertThat(a.appendFrame("B", 1, frame(10, 2))).isTrue();
    }
  }

  @Test
  void open_directoryOfAnotherStation_isRejected() {
    StationKeyStore.open(dirA, "A", TestKek.kek()).close();

    assertThatThrownBy(() -> StationKeyStore.open(dirA, "B", TestKek.kek()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("belongs to station 'A'");
    StationKeyStore.open(dirA, "A", TestKek.kek()).close();
  }

  @Test
  void toString_ofSecretsAndValues_neverShowsBytes() {
    byte[] raw = new byte[32];
    java.util.Arrays.fill(raw, (byte) 0x5A);
    KeyMaterial k = KeyMaterial.copyOf(raw);
    String hexLike = "5a5a";
    String text =
        k
            + " "
            + new DeliverableKey("id", "m", "s", k)
            + " "
            + new PadReservation(A_TO_B, 0, 32, "r");

    assertThat(text.toLowerCase())
        .doesNotContain(hexLike)
        .doesNotContain("zzzz")
        .doesNotContain("wlpa")
        .doesNotContain("90, 90");
    assertThat(text).contains("32 bytes");
  }

  @Test
  void reserve_concurrentThreads_yieldDisjointRanges() throws Exception {
    int threads = 4;
    int perThread = 15;
    try (StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(10_000, 1));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<List<PadReservation>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(
            pool.submit(
                () -> {
                  List<PadReservation> mine = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    PadReservation r = a.reserve("B", 7 + id, "t" + id + "-" + i);
                    if (i % 2 == 0) {
                      a.markUsed(r);
                    }
                    mine.add(r);
                  }
                  return mine;
                }));
      }
      List<PadReservation> all = new ArrayList<>();
      for (Future<List<PadReservation>> f : futures) {
        all.addAll(f.get(30, TimeUnit.SECONDS));
      }
      pool.shutdown();

      all.sort(Comparator.comparingLong(PadReservation::offset));
      long next = 0;
      for (PadReservation r : all) {
        assertThat(r.offset()).isEqualTo(next);
        next = r.end();
      }
      Ledger l = a.ledger(A_TO_B);
      assertThat(l.balances()).isTrue();
      assertThat(l.reserved() + l.used()).isEqualTo(next);
    }
  }

  @Test
  void calls_afterCloseOrOnForeignStream_areRejected() {
    StationKeyStore a = StationKeyStore.open(dirA, "A", TestKek.kek());
    assertThatThrownBy(() -> a.ledger(new StreamId("B", "C")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("B->C");
    assertThatThrownBy(() -> a.reserve("A", 1, "r")).isInstanceOf(IllegalArgumentException.class);
    a.close();
    a.close();

    assertThatThrownBy(() -> a.availableToSend("B"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  private static Reason rejection(Runnable call) {
    try {
      call.run();
    } catch (PadRangeRejectedException e) {
      return e.reason();
    }
    throw new AssertionError("range was accepted");
  }
}
