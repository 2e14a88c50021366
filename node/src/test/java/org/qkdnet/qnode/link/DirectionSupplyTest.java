package org.qkdnet.qnode.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.AssignmentConflictException;
import org.qkdnet.qnode.keystore.AssignmentEntry;
import org.qkdnet.qnode.keystore.StreamId;

/** Key supply on demand between the two ends of one link (AAA assigns, BBB applies). */
class DirectionSupplyTest {
  private static final int FRAME = 10_000;
  private static final long TARGET = 2_000;

  @TempDir Path dir;
  private SupplyPair link;

  @BeforeEach
  void setUp() {
    link = new SupplyPair(dir, TARGET);
  }

  @AfterEach
  void tearDown() {
    link.close();
  }

  private static boolean ensure(DirectionSupply s, int bytes) {
    return s.ensure(bytes).toCompletableFuture().join();
  }

  /** Sends {@code bytes} from one end to the other and checks both ends agree on the pad. */
  private void use(String from, int bytes) {
    assertThat(link.use(from, bytes)).as("pad " + from + " identical at both ends").isTrue();
  }

  @Test
  void shortOfKey_onlyWhenTheLinkIsUsed_andWhatItHoldsWouldNotLast() throws Exception {
    link.supplyA.maintain();
    assertThat(link.supplyA.shortOfKey()).as("empty, but nobody uses it").isFalse();

    // a caller finds no key: demand the link could not meet
    assertThat(ensure(link.supplyA, 500)).isFalse();
    link.nanos.addAndGet(KeyDemand.MIN_INTERVAL_NANOS);
    link.supplyA.maintain();
    assertThat(link.supplyA.shortOfKey()).as("asked for and empty").isTrue();

    // a frame far beyond what that rate uses in the horizon
    link.frame(0, FRAME * 100, 1);
    link.nanos.addAndGet(KeyDemand.MIN_INTERVAL_NANOS);
    link.supplyA.maintain();
    assertThat(link.supplyA.shortOfKey()).isFalse();
    assertThat(link.supplyB.shortOfKey()).as("the other end has not looked yet").isFalse();
  }

  @Test
  void stationUrgency_followsItsLinks_unknownStationsAndPeersAreUrgent() throws Exception {
    PostProcessingUrgency u = PostProcessingUrgency.register("AAA", java.util.Map.of(SupplyPair.B, link.supplyA));
    try {
      link.supplyA.maintain();
      assertThat(PostProcessingUrgency.urgent("AAA")).isFalse();
      assertThat(PostProcessingUrgency.linkShort("AAA", SupplyPair.B)).isFalse();
      assertThat(ensure(link.supplyA, 500)).isFalse();
      link.nanos.addAndGet(KeyDemand.MIN_INTERVAL_NANOS);
      link.supplyA.maintain();
      assertThat(PostProcessingUrgency.urgent("AAA")).isTrue();
      assertThat(PostProcessingUrgency.linkShort("AAA", SupplyPair.B)).isTrue();
      assertThat(PostProcessingUrgency.linkShort("AAA", "ZZZ")).as("no such link").isTrue();
      assertThat(PostProcessingUrgency.linkShort("AAA", null)).isTrue();
      assertThat(PostProcessingUrgency.linkShort("ZZZ", SupplyPair.B)).as("no such station").isTrue();
      assertThat(PostProcessingUrgency.urgent("ZZZ")).as("no such station").isTrue();
      // a later station of the same id replaces this one; this one's unregistering leaves it
      PostProcessingUrgency later = PostProcessingUrgency.register("AAA", java.util.Map.of());
      u.unregister("AAA");
      assertThat(PostProcessingUrgency.urgent("AAA")).as("the later one: no links, none short").isFalse();
      later.unregister("AAA");
    } finally {
      u.unregister("AAA");
    }
    assertThat(PostProcessingUrgency.urgent("AAA")).isTrue();
  }

  @Test
  void stationLinks_keepAReserveForTheBusiestOtherLinksUse() throws Exception {
    // AAA's second link (to "CCC": a second pair of stores, its own clock), empty and unused
    java.nio.file.Files.createDirectories(dir.resolve("second"));
    try (SupplyPair second = new SupplyPair(dir.resolve("second"), TARGET)) {
      PostProcessingUrgency u = PostProcessingUrgency.register("AAA",
          java.util.Map.of(SupplyPair.B, link.supplyA, "CCC", second.supplyA));
      try {
        second.supplyA.maintain();
        assertThat(second.supplyA.shortOfKey()).as("empty, and no link of AAA is used").isFalse();

        // the first link carries 5,000 B in a second
        link.supplyA.maintain();
        link.frame(0, FRAME, 1);
        assertThat(ensure(link.supplyA, 5_000)).isTrue();
        use(SupplyPair.A, 5_000);
        link.nanos.addAndGet(1_000_000_000L);
        link.supplyA.maintain();
        double busy = link.supplyA.keyUseBytesPerSecond();
        assertThat(busy).isGreaterThan(500);
        assertThat(u.busiestUseBesides("CCC")).isEqualTo(busy);
        assertThat(u.busiestUseBesides(SupplyPair.B)).as("the second link is unused").isZero();

        second.nanos.addAndGet(KeyDemand.MIN_INTERVAL_NANOS);
        second.supplyA.maintain();
        assertThat(second.supplyA.shortOfKey()).as("unused, but would take the first link's load if it failed")
            .isTrue();
        assertThat(PostProcessingUrgency.linkShort("AAA", "CCC")).isTrue();

        // key for twice the horizon at the first link's rate: no longer short
        second.frame(0, (int) (busy * 2 * KeyDemand.HORIZON_SECONDS) + 1_000, 2);
        second.nanos.addAndGet(KeyDemand.MIN_INTERVAL_NANOS);
        second.supplyA.maintain();
        assertThat(second.supplyA.shortOfKey()).isFalse();
      } finally {
        u.unregister("AAA");
      }
    }
  }

  @Test
  void frames_landUnassigned_noDirectionOwnsThem() {
    link.frame(0, FRAME, 1);
    assertThat(link.a.availableToSend(SupplyPair.B)).isZero();
    assertThat(link.b.availableToSend(SupplyPair.A)).isZero();
    assertThat(link.a.supply(SupplyPair.B).unassigned()).isEqualTo(FRAME);
    assertThat(link.b.storedBytes(SupplyPair.A)).isEqualTo(FRAME);
  }

  @Test
  void ensure_applyingEnd_asksTheAssignerAndBothEndsAgree() {
    link.frame(0, FRAME, 1);

    assertThat(ensure(link.supplyB, 500)).isTrue();

    assertThat(link.b.availableToSend(SupplyPair.A)).isGreaterThanOrEqualTo(500);
    assertThat(link.a.ledger(new StreamId(SupplyPair.B, SupplyPair.A)).generated())
        .isEqualTo(link.b.ledger(new StreamId(SupplyPair.B, SupplyPair.A)).generated());
    link.checkAgree();
    use(SupplyPair.B, 500);
  }

  @Test
  void ensure_assigner_usesItsDirectionOnlyAfterThePeerConfirms() {
    link.frame(0, FRAME, 1);
    assertThat(ensure(link.supplyA, 100)).isTrue(); // AAA learns how much key BBB holds
    long before = link.a.availableToSend(SupplyPair.B);
    link.dropRequests.set(1); // the next hand-over never reaches BBB

    assertThat(ensure(link.supplyA, (int) before + 500)).isFalse();
    assertThat(link.a.availableToSend(SupplyPair.B)).isEqualTo(before);
    assertThat(link.a.supply(SupplyPair.B).pendingSend()).isPositive();
    link.checkAgree();

    link.supplyA.maintain(); // the next exchange delivers the pending entry
    assertThat(link.a.availableToSend(SupplyPair.B)).isGreaterThanOrEqualTo(before + 500);
    link.checkAgree();
    use(SupplyPair.A, (int) before + 500);
  }

  @Test
  void ensure_lostAnswers_eachEndRepairsAtTheNextExchange() {
    link.frame(0, FRAME, 1);
    link.dropAnswers.set(1); // AAA created the entry for BBB, BBB never heard
    assertThat(ensure(link.supplyB, 300)).isFalse();
    link.checkAgree();
    assertThat(ensure(link.supplyB, 300)).isTrue();

    link.dropAnswers.set(1); // BBB applied AAA's entry, AAA never heard
    assertThat(ensure(link.supplyA, 300)).isFalse();
    link.checkAgree();
    assertThat(ensure(link.supplyA, 300)).isTrue();
    link.checkAgree();
    use(SupplyPair.A, 300);
    use(SupplyPair.B, 300);
  }

  @Test
  void oneDirectionalLoad_drawsFarMoreThanHalfTheLink() {
    for (int f = 0; f < 5; f++) {
      link.frame(f, FRAME, f);
    }
    long sent = 0;
    for (int i = 0; i < 1_000 && ensure(link.supplyA, 400); i++) {
      use(SupplyPair.A, 400);
      sent += 400;
    }
    // everything but the last partial block went one way: no half/half split in advance
    assertThat(sent).isGreaterThan(5L * FRAME - 400 - TARGET);
    link.checkAgree();
  }

  @Test
  void blockLandingWhileBothDirectionsAreShort_isSharedWhoeverAsksFirst() throws Exception {
    // a production-like target (far above one finite-key block): before the split, the end that
    // asked first took the whole block and the other direction had none until the first was full
    for (boolean applierFirst : new boolean[] {true, false}) {
      try (SupplyPair big = new SupplyPair(java.nio.file.Files.createDirectories(dir.resolve("big-" + applierFirst)), 512 * 1024)) {
        big.frame(0, 100_000, 7);
        DirectionSupply first = applierFirst ? big.supplyB : big.supplyA;
        DirectionSupply second = applierFirst ? big.supplyA : big.supplyB;
        first.maintain();
        second.maintain();
        first.maintain();
        long aToB = big.a.availableToSend(SupplyPair.B);
        long bToA = big.b.availableToSend(SupplyPair.A);
        assertThat(aToB).as("AAA -> BBB, applier first: " + applierFirst).isGreaterThanOrEqualTo(20_000);
        assertThat(bToA).as("BBB -> AAA, applier first: " + applierFirst).isGreaterThanOrEqualTo(20_000);
        assertThat(aToB + bToA + big.a.supply(SupplyPair.B).unassigned()).isEqualTo(100_000);
        big.checkAgree();
      }
    }
  }

  @Test
  void oneDirectionalLoad_otherDirectionAtItsTarget_isNotSplit() throws Exception {
    int target = 64 * 1024;
    try (SupplyPair big = new SupplyPair(java.nio.file.Files.createDirectories(dir.resolve("one-way")), target)) {
      big.frame(0, 144_000, 3);
      assertThat(ensure(big.supplyB, 1)).isTrue(); // the idle direction takes its target, then stops asking
      assertThat(big.b.availableToSend(SupplyPair.A)).isEqualTo(target);

      big.supplyA.maintain();

      // the rest (78,464 bytes) is not halved for a direction that is not short: A gets its whole target
      assertThat(big.a.availableToSend(SupplyPair.B)).isEqualTo(target);
      big.checkAgree();
    }
  }

  @Test
  void fairShare_topUpsEvenTheLevelsWhileTheOtherDirectionIsShort_aWaitingCallerComesFirst() {
    long t = 200_000; // target: the other direction is short below 100,000
    // both empty: half each (rounded up for the asker)
    assertThat(DirectionSupply.fairShare(500_000, 0, 100_000, 0, 0, t)).isEqualTo(50_000);
    assertThat(DirectionSupply.fairShare(500_000, 0, 100_001, 0, 0, t)).isEqualTo(50_001);
    // the other direction holds 20,000 more: the asker gets that much more than half
    assertThat(DirectionSupply.fairShare(500_000, 0, 100_000, 0, 20_000, t)).isEqualTo(60_000);
    // the asker holds more than the other by the whole key and more: nothing
    assertThat(DirectionSupply.fairShare(500_000, 0, 1_500, 3_000, 0, t)).isZero();
    // ... unless a caller waits for key: demand first, everything it wants as far as the key goes
    assertThat(DirectionSupply.fairShare(500_000, 1_000, 1_500, 3_000, 0, t)).isEqualTo(1_500);
    assertThat(DirectionSupply.fairShare(500_000, 64, 100_000, 0, 0, t)).isEqualTo(100_000);
    assertThat(DirectionSupply.fairShare(30_000, 64, 100_000, 0, 0, t)).isEqualTo(30_000);
    // a small block is split like a large one: no fixed floor hands it whole to the first asker
    assertThat(DirectionSupply.fairShare(500_000, 0, 1_600, 0, 0, t)).isEqualTo(800);
    // the other direction is not short: everything, up to the want
    assertThat(DirectionSupply.fairShare(500_000, 0, 100_000, 0, 100_000, t)).isEqualTo(100_000);
    assertThat(DirectionSupply.fairShare(30_000, 0, 100_000, 0, 100_000, t)).isEqualTo(30_000);
    // nothing wanted or nothing there
    assertThat(DirectionSupply.fairShare(0, 0, 5_000, 0, 0, t)).isZero();
    assertThat(DirectionSupply.fairShare(100, 100, 0, 0, 0, t)).isZero();
  }

  /**
   * Small finite-key blocks (1-2 KiB, a 4 %-QBER link) while both directions are short: each
   * direction gets key from the blocks whichever end's timer asks first. Before, a fixed 8 KiB floor
   * gave every such block whole to the first asker and the other direction stayed at zero (the
   * Bb84LinkIntegrationTest timeouts).
   */
  @Test
  void smallBlocks_bothDirectionsShort_theLaterAskerIsNotStarved() throws Exception {
    int target = 64 * 1024;
    try (SupplyPair slow = new SupplyPair(java.nio.file.Files.createDirectories(dir.resolve("small")), target)) {
      for (int block = 0; block < 12; block++) {
        slow.frame(block, 1_500, block + 1);
        slow.supplyB.maintain(); // BBB's timer always first after a block
        slow.supplyA.maintain();
        slow.supplyA.maintain(); // AAA's push confirmed by the next exchange
      }
      long toA = slow.b.availableToSend(SupplyPair.A);
      long toB = slow.a.availableToSend(SupplyPair.B);
      assertThat(toA + toB + slow.a.supply(SupplyPair.B).unassigned() + slow.a.supply(SupplyPair.B).pendingSend())
          .isEqualTo(12 * 1_500);
      // evened out: neither direction holds more than the other plus one block
      assertThat(toB).as("AAA's direction, asking second every time").isGreaterThanOrEqualTo(toA - 1_500);
      assertThat(toA).isGreaterThanOrEqualTo(toB - 1_500);
      slow.checkAgree();
      assertThat(slow.use(SupplyPair.A, (int) toB)).isTrue();
      assertThat(slow.use(SupplyPair.B, (int) toA)).isTrue();
    }
  }

  @Test
  void ensure_moreThanTheLinkHolds_isFalseAndAssignsWhatExists() {
    link.frame(0, FRAME, 1);
    assertThat(ensure(link.supplyB, FRAME + 1)).isFalse();
    link.checkAgree();
  }

  @Test
  void apply_entryThatContradictsThisEnd_isRefusedAndChangesNothing() {
    link.frame(0, FRAME, 1);
    assertThat(ensure(link.supplyB, 100)).isTrue();
    long before = link.b.availableToSend(SupplyPair.A);

    AssignmentEntry forged = new AssignmentEntry(0, 0, 50, SupplyPair.B, 0); // seq 0 already applied, other content
    assertThatThrownBy(() -> link.supplyB.onPush(List.of(forged)))
        .isInstanceOf(AssignmentConflictException.class).hasMessageContaining("differs");
    AssignmentEntry gap = new AssignmentEntry(5, 3_000, 50, SupplyPair.B, 0);
    assertThatThrownBy(() -> link.supplyB.onPush(List.of(gap)))
        .isInstanceOf(AssignmentConflictException.class).hasMessageContaining("expected next");

    assertThat(link.b.availableToSend(SupplyPair.A)).isEqualTo(before);
    link.checkAgree();
  }

  @Test
  void onRequest_crossingAPushWithAnOlderNextSeq_isAnsweredAndGrantsOnce() {
    link.frame(0, FRAME, 1);
    assertThat(ensure(link.supplyB, 100)).isTrue();
    assertThat(ensure(link.supplyA, 100)).isTrue(); // AAA's push: BBB applied it, AAA confirmed
    long bobNext = link.b.supply(SupplyPair.A).nextSeq();

    // a request BBB sent before it applied AAA's push arrives late, with the older next seq
    var grant = link.supplyA.onRequest(100, 0, bobNext - 1, FRAME);

    assertThat(grant.entries()).isNotEmpty();
    assertThat(grant.entries().get(0).seq()).isEqualTo(bobNext - 1);
    assertThat(link.supplyB.onPush(grant.entries()).nextSeq()).isGreaterThanOrEqualTo(bobNext);
    link.a.confirmAssignments(SupplyPair.B, link.b.supply(SupplyPair.A).nextSeq());
    link.checkAgree();
  }

  @Test
  void apply_entryBeyondTheFramesThisEndHolds_waitsAndIsAppliedLater() {
    byte[] f = new byte[FRAME];
    new Random(7).nextBytes(f);
    link.a.appendFrame(SupplyPair.B, 0, KeyMaterial.wrap(f.clone())); // BBB has not got frame 0 yet
    AssignmentEntry e = link.a.assign(SupplyPair.B, SupplyPair.B, 100, Long.MAX_VALUE).orElseThrow();

    var r = link.supplyB.onPush(List.of(e));
    assertThat(r.applied()).isZero();
    assertThat(r.stopped()).contains("holds 0");

    link.b.appendFrame(SupplyPair.A, 0, KeyMaterial.wrap(f));
    assertThat(link.supplyB.onPush(List.of(e)).applied()).isEqualTo(1);
    link.a.confirmAssignments(SupplyPair.B, 1);
    link.checkAgree();
    use(SupplyPair.A, 100);
  }

  @Test
  void restart_pendingEntriesSurviveAndAreConfirmedAfterReopen() {
    link.frame(0, FRAME, 1);
    assertThat(ensure(link.supplyA, 100)).isTrue();
    long before = link.a.availableToSend(SupplyPair.B);
    link.dropRequests.set(1);
    assertThat(ensure(link.supplyA, (int) before + 500)).isFalse();
    long pending = link.a.supply(SupplyPair.B).pendingSend();
    assertThat(pending).isPositive();
    link.close();

    link.open();
    assertThat(link.a.supply(SupplyPair.B).pendingSend()).isEqualTo(pending);
    assertThat(link.a.availableToSend(SupplyPair.B)).isEqualTo(before);
    link.supplyA.maintain();
    assertThat(link.a.availableToSend(SupplyPair.B)).isEqualTo(before + pending);
    link.checkAgree();
  }

  /** Random exchanges from both ends with lost requests and answers: the ends never disagree. */
  @Test
  void randomExchangesWithLosses_bothEndsAlwaysAgree() throws Exception {
    for (long seed = 1; seed <= 5; seed++) {
      Random rnd = new Random(seed);
      link.close();
      java.nio.file.Files.createDirectories(dir.resolve("seed" + seed));
      link = new SupplyPair(dir.resolve("seed" + seed), 700);
      for (int step = 0; step < 200; step++) {
        switch (rnd.nextInt(6)) {
          case 0 -> link.frame(link.a.nextFrameId(SupplyPair.B), 500 + rnd.nextInt(3_000), rnd.nextLong());
          case 1 -> link.dropRequests.set(1);
          case 2 -> link.dropAnswers.set(1);
          case 3 -> ensure(link.supplyA, 1 + rnd.nextInt(1_500));
          case 4 -> ensure(link.supplyB, 1 + rnd.nextInt(1_500));
          default -> {
            String from = rnd.nextBoolean() ? SupplyPair.A : SupplyPair.B;
            var s = from.equals(SupplyPair.A) ? link.a : link.b;
            long avail = s.availableToSend(from.equals(SupplyPair.A) ? SupplyPair.B : SupplyPair.A);
            if (avail > 0) {
              use(from, (int) Math.min(avail, 1 + rnd.nextInt(800)));
            }
          }
        }
        link.checkAgree();
      }
    }
  }
}
