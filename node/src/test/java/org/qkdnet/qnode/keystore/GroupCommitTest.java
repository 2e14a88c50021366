package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.TestKek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qkdnet.qnode.keystore.TestPads.frame;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.keystore.PadRangeRejectedException.Reason;

/**
 * Many threads on one link at once: syncs happen outside the link's lock, yet ranges stay
 * disjoint and the store reopened from disk agrees with what the threads were told.
 */
class GroupCommitTest {
  private static final StreamId A_TO_B = new StreamId("A", "B");
  private static final StreamId B_TO_A = new StreamId("B", "A");
  private static final int THREADS = 8;

  @TempDir Path dir;

  @Test
  void reserve_concurrentOnOneLink_disjointRangesAndReopenedStoreAgrees() throws Exception {
    int perThread = 25;
    List<PadReservation> all = new ArrayList<>();
    Ledger before;
    try (StationKeyStore a = StationKeyStore.open(dir, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(40_000, 1));
      all.addAll(onThreads(t -> {
        List<PadReservation> mine = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          PadReservation r = a.reserve("B", 5 + t + i, "t" + t + "-" + i);
          switch (i % 3) {
            case 0 -> a.markUsed(r);
            case 1 -> a.burn(r);
            default -> { } // left RESERVED: in doubt at the next open
          }
          mine.add(r);
        }
        return mine;
      }));
      before = a.ledger(A_TO_B);
    }

    all.sort(Comparator.comparingLong(PadReservation::offset));
    long next = 0;
    for (PadReservation r : all) {
      assertThat(r.offset()).as("reservation of " + r.relayId()).isEqualTo(next);
      next = r.end();
    }
    assertThat(all).hasSize(THREADS * perThread);
    assertThat(before.balances()).isTrue();
    assertThat(before.reserved() + before.used() + before.burned()).isEqualTo(next);
    assertThat(before.reserved()).isPositive();
    try (StationKeyStore a = StationKeyStore.open(dir, "A", TestKek.kek())) {
      assertThat(a.ledger(A_TO_B)).isEqualTo(new Ledger(before.generated(), before.available(), 0,
          before.used(), before.burned() + before.reserved()));
      assertThat(a.reserve("B", 1, "after").offset()).isEqualTo(next);
    }
  }

  @Test
  void acceptIncoming_concurrentRacesForSameRanges_eachAcceptedOnceAndReopenAgrees()
      throws Exception {
    int ranges = 60;
    int len = 10;
    try (StationKeyStore a = StationKeyStore.open(dir, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(2 * ranges * len, 2));
      // Every thread tries every range, in its own order: exactly one may win each.
      List<Integer> wins = onThreads(t -> {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ranges; i++) {
          order.add(i);
        }
        Collections.shuffle(order, new Random(t));
        List<Integer> mine = new ArrayList<>();
        for (int i : order) {
          try {
            a.acceptIncoming("B", (long) i * len, len, "t" + t).zeroize();
            mine.add(i);
          } catch (PadRangeRejectedException e) {
            assertThat(e.reason()).isEqualTo(Reason.OVERLAPS_USED);
          }
        }
        return mine;
      });
      assertThat(wins).hasSize(ranges).doesNotHaveDuplicates();
      assertThat(a.ledger(B_TO_A)).isEqualTo(new Ledger(ranges * len, 0, 0, ranges * len, 0));
    }
    try (StationKeyStore a = StationKeyStore.open(dir, "A", TestKek.kek())) {
      assertThat(a.ledger(B_TO_A)).isEqualTo(new Ledger(ranges * len, 0, 0, ranges * len, 0));
      for (int i = 0; i < ranges; i += 7) {
        int offset = i * len;
        try {
          a.acceptIncoming("B", offset, len, "replay").zeroize();
          throw new AssertionError("range at " + offset + " accepted twice");
        } catch (PadRangeRejectedException e) {
          assertThat(e.reason()).isEqualTo(Reason.OVERLAPS_USED);
        }
      }
    }
  }

  private interface PerThread<T> {
    List<T> run(int thread) throws Exception;
  }

  /** Runs {@code body} on {@link #THREADS} threads released together; all their results. */
  private static <T> List<T> onThreads(PerThread<T> body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<T>>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          start.await();
          return body.run(id);
        }));
      }
      start.countDown();
      List<T> all = new ArrayList<>();
      for (Future<List<T>> f : futures) {
        all.addAll(f.get(60, TimeUnit.SECONDS));
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }
}
