package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.TestKek;

import org.qkdnet.qnode.crypto.KeyMaterial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qkdnet.qnode.keystore.TestPads.frame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.keystore.PadRangeRejectedException.Reason;

/**
 * The relay path's combined steps at transit station B (links to A and C): one synced write
 * per step, and every refusal leaves the incoming range burned and nothing reserved or stored.
 */
class CombinedStepsTest {
  private static final StreamId A_TO_B = new StreamId("A", "B");
  private static final StreamId B_TO_A = new StreamId("B", "A");
  private static final StreamId B_TO_C = new StreamId("B", "C");
  private static final StreamId C_TO_B = new StreamId("C", "B");
  private static final Ledger FRESH = new Ledger(500, 500, 0, 0, 0);

  @TempDir Path dir;
  private final KeyMaterial frameAb = frame(1000, 1);
  private final KeyMaterial frameBc = frame(1000, 2);
  private StationKeyStore b;

  @BeforeEach
  void setUp() {
    b = StationKeyStore.open(dir, "B", TestKek.kek());
    SplitFrames.append(b, "A", 0, frameAb);
    SplitFrames.append(b, "C", 0, frameBc);
  }

  @AfterEach
  void tearDown() {
    b.close();
  }

  @Test
  void acceptAndReserve_checkPasses_acceptsAndReservesWithOneSync() {
    AtomicReference<KeyMaterial> seen = new AtomicReference<>();
    long syncs = b.syncCount();
    long fsyncs = b.fsyncCount();

    Optional<ForwardPads> got =
        b.acceptAndReserve("A", 100, 64, "r1", "C", 64, pad -> {
          seen.set(pad.slice(0, pad.length()));
          return true;
        });

    assertThat(b.syncCount() - syncs).isEqualTo(1);
    assertThat(b.fsyncCount() - fsyncs).isEqualTo(1);
    assertThat(got).isPresent();
    ForwardPads p = got.get();
    // A < B: stream A->B is the first half of each frame; B < C: B->C too.
    assertThat(p.incoming().contentEquals(frameAb.slice(100, 64))).isTrue();
    assertThat(seen.get().contentEquals(p.incoming())).isTrue();
    assertThat(p.outgoing()).isEqualTo(new PadReservation(B_TO_C, 0, 64, "r1"));
    assertThat(p.outgoingPad().contentEquals(frameBc.slice(0, 64))).isTrue();
    assertThat(b.padBytes(p.outgoing()).contentEquals(p.outgoingPad())).isTrue();
    assertThat(b.ledger(A_TO_B)).isEqualTo(new Ledger(500, 436, 0, 64, 0));
    assertThat(b.ledger(B_TO_C)).isEqualTo(new Ledger(500, 436, 64, 0, 0));

    p.close();
    assertThat(p.incoming().isZeroized()).isTrue();
    assertThat(p.outgoingPad().isZeroized()).isTrue();
  }

  @Test
  void acceptAndReserve_checkFails_burnsIncomingAndReservesNothing() {
    long syncs = b.syncCount();

    Optional<ForwardPads> got = b.acceptAndReserve("A", 0, 64, "r1", "C", 64, pad -> false);

    assertThat(got).isEmpty();
    assertThat(b.syncCount() - syncs).isEqualTo(1);
    assertThat(b.ledger(A_TO_B)).isEqualTo(new Ledger(500, 436, 0, 0, 64));
    assertThat(b.ledger(B_TO_C)).isEqualTo(FRESH);
    assertThat(rejection(() -> b.acceptIncoming("A", 0, 64, "again")))
        .isEqualTo(Reason.OVERLAPS_USED);
  }

  @Test
  void acceptAndReserve_nextPoolExhausted_burnsIncomingAndThrows() {
    assertThatThrownBy(() -> b.acceptAndReserve("A", 0, 64, "r1", "C", 501, pad -> true))
        .isInstanceOf(PoolExhaustedException.class)
        .hasMessageContaining("B->C")
        .hasMessageContaining("500 available");

    assertThat(b.ledger(A_TO_B)).isEqualTo(new Ledger(500, 436, 0, 0, 64));
    assertThat(b.ledger(B_TO_C)).isEqualTo(FRESH);
  }

  @Test
  void acceptAndReserve_rejectedRange_changesNothingAndSkipsCheck() {
    AtomicBoolean checked = new AtomicBoolean();
    b.acceptIncoming("A", 0, 10, "earlier");
    Ledger before = b.ledger(A_TO_B);

    assertThat(rejection(() -> b.acceptAndReserve("A", 490, 20, "r1", "C", 20, pad -> {
      checked.set(true);
      return true;
    }))).isEqualTo(Reason.NOT_GENERATED_YET);
    assertThat(rejection(() -> b.acceptAndReserve("A", 5, 20, "r2", "C", 20, pad -> {
      checked.set(true);
      return true;
    }))).isEqualTo(Reason.OVERLAPS_USED);
    assertThatThrownBy(() -> b.acceptAndReserve("A", 20, 20, "r3", "A", 20, pad -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("back to A");

    assertThat(checked).isFalse();
    assertThat(b.ledger(A_TO_B)).isEqualTo(before);
    assertThat(b.ledger(B_TO_C)).isEqualTo(FRESH);
  }

  @Test
  void acceptAndReserve_reopenWithoutSettling_incomingStaysUsedReservationBurned() {
    b.acceptAndReserve("A", 0, 64, "r1", "C", 64, pad -> true).orElseThrow().close();
    b.close();

    b = StationKeyStore.open(dir, "B", TestKek.kek());

    assertThat(b.ledger(A_TO_B)).isEqualTo(new Ledger(500, 436, 0, 64, 0));
    assertThat(b.ledger(B_TO_C)).isEqualTo(new Ledger(500, 436, 0, 0, 64));
    assertThat(rejection(() -> b.acceptIncoming("A", 63, 1, "replay")))
        .isEqualTo(Reason.OVERLAPS_USED);
    assertThat(b.reserve("C", 1, "r2").offset()).isEqualTo(64);
  }

  @Test
  void acceptAndStoreDeliverable_keysFromPad_storedAndAcceptedWithOneSync() {
    long syncs = b.syncCount();

    boolean stored = b.acceptAndStoreDeliverable("A", 32, 64, "r1",
        pad -> List.of(
            new DeliverableKey("k1", "M", "S", pad.slice(0, 32)),
            new DeliverableKey("k2", "M", "S", pad.slice(32, 32))));

    assertThat(stored).isTrue();
    assertThat(b.syncCount() - syncs).isEqualTo(1);
    assertThat(b.ledger(A_TO_B)).isEqualTo(new Ledger(500, 436, 0, 64, 0));
    assertThat(b.deliverableCount("S")).isEqualTo(2);
    assertThat(b.takeForSlave("k2", "S", "M").orElseThrow()
        .contentEquals(frameAb.slice(64, 32))).isTrue();
  }

  @Test
  void acceptAndStoreDeliverable_noKeys_burnsIncomingAndStoresNothing() {
    boolean stored = b.acceptAndStoreDeliverable("A", 0, 64, "r1", pad -> List.of());

    assertThat(stored).isFalse();
    assertThat(b.ledger(A_TO_B)).isEqualTo(new Ledger(500, 436, 0, 0, 64));
    assertThat(b.deliverableCount("S")).isZero();
  }

  @Test
  void acceptAndStoreDeliverable_duplicateKeyId_burnsIncomingStoresNothingAndThrows() {
    b.storeDeliverable(List.of(new DeliverableKey("k1", "M", "S", frame(32, 9))));
    KeyMaterial fresh = frame(32, 10);

    assertThatThrownBy(() -> b.acceptAndStoreDeliverable("A", 0, 64, "r1",
        pad -> List.of(new DeliverableKey("k0", "M", "S", pad.slice(0, 32)),
            new DeliverableKey("k1", "M", "S", fresh))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate key id k1")
        .hasMessageContaining("incoming pad burned");

    assertThat(fresh.isZeroized()).isTrue();
    assertThat(b.ledger(A_TO_B)).isEqualTo(new Ledger(500, 436, 0, 0, 64));
    assertThat(b.deliverableCount("S")).isEqualTo(1);
    assertThat(b.takeForSlave("k0", "S", "M")).isEmpty();
  }

  @Test
  void acceptAndStoreDeliverable_rejectedRange_changesNothing() {
    AtomicBoolean called = new AtomicBoolean();

    assertThat(rejection(() -> b.acceptAndStoreDeliverable("A", -1, 64, "r1", pad -> {
      called.set(true);
      return List.of();
    }))).isEqualTo(Reason.INVALID_RANGE);

    assertThat(called).isFalse();
    assertThat(b.ledger(A_TO_B)).isEqualTo(FRESH);
  }

  @Test
  void acceptAndReserve_oppositeDirectionsConcurrently_allCompleteWithoutDeadlock()
      throws Exception {
    int perThread = 40;
    int len = 8;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (String[] dirn : new String[][] {{"A", "C"}, {"C", "A"}}) {
        futures.add(pool.submit(() -> {
          int ok = 0;
          for (int i = 0; i < perThread; i++) {
            try (ForwardPads p = b.acceptAndReserve(dirn[0], (long) i * len, len,
                dirn[0] + i, dirn[1], len, pad -> true).orElseThrow()) {
              b.markUsed(p.outgoing());
              ok++;
            }
          }
          return ok;
        }));
      }
      for (Future<Integer> f : futures) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(perThread);
      }
    } finally {
      pool.shutdownNow();
    }
    long n = (long) perThread * len;
    assertThat(b.ledger(A_TO_B).used()).isEqualTo(n);
    assertThat(b.ledger(C_TO_B).used()).isEqualTo(n);
    assertThat(b.ledger(B_TO_C).used()).isEqualTo(n);
    assertThat(b.ledger(B_TO_A).used()).isEqualTo(n);
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
