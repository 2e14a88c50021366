package org.qkdnet.qnode.link.bb84;

import org.qkdnet.qnode.crypto.TestKek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.config.Bb84Settings;
import org.qkdnet.qnode.device.QkdDevice.LinkEnds;
import org.qkdnet.qnode.device.sim.Bb84Parameters;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.CascadeVariant;
import org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;

/** The two-phase frame commit survives a crash of either end in the middle of a commit. */
class LinkCrashRecoveryTest {
  private static final LinkEnds LINK = LinkEnds.of("AAA", "BBB", 25);
  private static final long TRIGGER = 1;
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  Path dir;
  private ActorTestKit kit;
  private StationKeyStore aliceStore;
  private StationKeyStore bobStore;
  private Bb84LinkEnd alice;
  private Bb84LinkEnd bob;
  private final Bb84Settings settings = new Bb84Settings(Bb84Parameters.defaults().withFrameSlots(2_000_000), 0.11,
      CascadeVariant.YANETAL, org.qkdnet.qnode.postprocessing.estimation.EpsilonBudget.DEFAULTS, 128, TestLink.BLOCK_BITS,
      4);

  @AfterEach
  void stop() {
    stopBob();
    if (aliceStore != null) {
      aliceStore.close();
    }
    if (bobStore != null) {
      bobStore.close();
    }
  }

  private void stopBob() {
    if (kit != null) {
      kit.shutdownTestKit();
      kit = null;
    }
  }

  private void openAlice() {
    aliceStore = StationKeyStore.open(dir.resolve("a"), "AAA", TestKek.kek());
    alice = new Bb84LinkEnd("AAA", LINK, "test-seed", settings, aliceStore, 1 << 20, 1.0, 0);
  }

  private void openBob() {
    bobStore = StationKeyStore.open(dir.resolve("b"), "BBB", TestKek.kek());
    bob = new Bb84LinkEnd("BBB", LINK, "test-seed", settings, bobStore, 1 << 20, 1.0, 0);
  }

  private void startBob(PostProcessingTransport transport) {
    kit = ActorTestKit.create(ConfigFactory.parseString("""
        qkd.reconciliation-dispatcher { type = PinnedDispatcher, executor = "thread-pool-executor" }
        qnode.link-dispatcher { type = Dispatcher, executor = "thread-pool-executor",
          thread-pool-executor.fixed-pool-size = 1 }
        """));
    kit.spawn(LinkPostProcessor.create(bob, transport, new SecureRandom(), null), "bob",
        DispatcherSelector.fromConfig("qnode.link-dispatcher"));
  }

  @Test
  void bobCrashesAfterAliceAppended_restartCommitsStagedFrame_poolsIdentical() {
    openAlice();
    openBob();
    FaultyTransport t = new FaultyTransport(alice, Fault.BOB_DIES_AFTER_ALICE_APPENDS);
    startBob(t);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> t.fired
        && aliceStore.nextFrameId("BBB") == TRIGGER + 1);
    // Bob is "dead": the frame is in Alice's pool and only staged at Bob.
    stopBob();
    assertThat(bobStore.nextFrameId("AAA")).isEqualTo(TRIGGER);
    assertThat(bobStore.pendingIds("AAA")).containsExactly(TRIGGER);

    bobStore.close();
    openBob();
    startBob(new DirectTransport(alice));
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() ->
        bob.stats().snapshot().framesDone() >= 2 && bobStore.nextFrameId("AAA") >= TRIGGER + 3);
    stopBob();
    assertThat(bob.stats().snapshot().dropReasons()).doesNotContainKey("staged before a restart, not held by Alice")
        .doesNotContainKey("pools diverged");
    assertSameStreams();
  }

  @Test
  void aliceRestartsBeforeCommitArrives_stagedFrameDiscardedAtBob_poolsIdentical() {
    openAlice();
    openBob();
    FaultyTransport t = new FaultyTransport(alice, Fault.ALICE_RESTARTS_BEFORE_COMMIT);
    startBob(t);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> t.fired
        && bobStore.nextFrameId("AAA") >= TRIGGER + 2);
    stopBob();
    assertThat(bob.stats().snapshot().dropReasons()).containsKey("block commit refused by Alice")
        .doesNotContainKey("pools diverged");
    assertThat(bobStore.pendingIds("AAA")).hasSizeLessThanOrEqualTo(1);
    assertSameStreams();
  }

  private enum Fault { BOB_DIES_AFTER_ALICE_APPENDS, ALICE_RESTARTS_BEFORE_COMMIT }

  /** Bob's calls into the current Alice, with one fault at the commit of pool frame {@link #TRIGGER}. */
  private final class FaultyTransport implements PostProcessingTransport {
    private final Fault fault;
    private volatile DirectTransport target;
    private volatile boolean dead;
    volatile boolean fired;

    FaultyTransport(Bb84LinkEnd aliceEnd, Fault fault) {
      this.target = new DirectTransport(aliceEnd);
      this.fault = fault;
    }

    private <T> CompletionStage<T> call(Supplier<CompletionStage<T>> s) {
      return dead ? CompletableFuture.failedFuture(new IllegalStateException("Bob is down")) : s.get();
    }

    @Override
    public CompletionStage<CommitResult> commit(String peer, long raw, long poolFrameId, int secureBits,
        BitString seed, java.util.List<Long> blockRaws) {
      if (fired || poolFrameId != TRIGGER || dead) {
        return call(() -> target.commit(peer, raw, poolFrameId, secureBits, seed, blockRaws));
      }
      fired = true;
      if (fault == Fault.BOB_DIES_AFTER_ALICE_APPENDS) {
        CommitResult r = target.commit(peer, raw, poolFrameId, secureBits, seed, blockRaws).toCompletableFuture()
            .join();
        assertThat(r.appended()).isTrue();
        dead = true;
      } else {
        // Alice stops (her open frames are lost with her memory) and comes back.
        aliceStore.close();
        openAlice();
        target = new DirectTransport(alice);
      }
      return CompletableFuture.failedFuture(new IllegalStateException("connection lost"));
    }

    @Override
    public CompletionStage<SiftingReply> sift(String peer, SiftingAnnouncement announcement) {
      return call(() -> target.sift(peer, announcement));
    }

    @Override
    public CompletionStage<EstimateReplyData> estimate(String peer, long raw,
        org.qkdnet.qnode.postprocessing.sifting.BitString disclosed, long permutationSeed) {
      return call(() -> target.estimate(peer, raw, disclosed, permutationSeed));
    }

    @Override
    public CompletionStage<java.util.List<CascadeBatch.Answer>> reconcile(String peer,
        java.util.List<CascadeBatch.Round> rounds) {
      return call(() -> target.reconcile(peer, rounds));
    }

    @Override
    public CompletionStage<org.qkdnet.qnode.postprocessing.verification.VerificationTag> verify(String peer, long raw,
        long hashKey, long hashKey2, int tagBits) {
      return call(() -> target.verify(peer, raw, hashKey, hashKey2, tagBits));
    }

    @Override
    public CompletionStage<Long> drop(String peer, long raw, String reason) {
      return call(() -> target.drop(peer, raw, reason));
    }
  }

  @Test
  void bobRestartsWithAnOpenBlock_heldFramesForgottenAtBoth_committedBlocksKept_nothingTwice() {
    openAlice();
    openBob();
    startBob(new DirectTransport(alice));
    // at least one block committed, and frames of the next block held at Alice
    await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() ->
        bobStore.nextFrameId("AAA") >= 1 && alice.alice().heldFrames() >= 2);
    stopBob(); // Bob "crashes": his open block is gone with his memory
    long committedBefore = bobStore.nextFrameId("AAA");
    assertThat(alice.alice().heldFrames()).as("Alice still holds the open block").isPositive();
    long aliceBefore = aliceStore.nextFrameId("BBB");
    assertThat(aliceBefore - committedBefore).isBetween(0L, 1L);

    bobStore.close();
    openBob();
    startBob(new DirectTransport(alice));
    // Bob's first call makes Alice forget every held frame of his previous run
    await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() ->
        bob.stats().snapshot().blocksDone() >= 1);
    stopBob();
    assertThat(alice.stats().snapshot().dropReasons())
        .containsKey("held in a block Bob abandoned (restart)");
    // committed blocks stayed, new ones followed under the next ids, at both ends identically
    assertThat(bobStore.nextFrameId("AAA")).isGreaterThan(committedBefore);
    assertSameStreams();
  }

  /**
   * Every byte Bob holds of both directional streams equals Alice's: what one end reserves the
   * other accepts. Alice appends first, so when Bob stops mid-commit she may hold one frame
   * more (staged at Bob), never less.
   */
  private void assertSameStreams() {
    // the staged copy at Bob is checked before the streams are consumed
    long lead = aliceStore.nextFrameId("BBB") - bobStore.nextFrameId("AAA");
    if (lead == 1) {
      assertThat(bobStore.pendingIds("AAA")).containsExactly(bobStore.nextFrameId("AAA"));
    }
    LinkStreams.assertSameStreams(aliceStore, bobStore);
  }
}
