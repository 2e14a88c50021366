package org.qkdnet.qnode.link.bb84;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.CascadeVariant;
import org.qkdnet.qnode.postprocessing.cascade.InProcessCascade;
import org.qkdnet.qnode.postprocessing.cascade.SplitMix64;
import org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;

/**
 * Bob's reconciliation actor against Alice's frames in one JVM (no network): frames in flight
 * share batched round trips, a round Alice cannot answer fails only its own frame, and a failed
 * call fails the frames it carried.
 */
class ReconciliationActorTest {
  private static final int BITS = 20_000;
  private static final double QBER = 0.03;

  @TempDir
  Path dir;
  private ActorTestKit kit;
  private TestLink link;
  private Bb84LinkEnd alice;
  private Bb84LinkEnd bob;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create(ConfigFactory.parseString(TestLink.RECONCILIATION_DISPATCHER));
    link = new TestLink(dir, TestLink.settings(2_000_000, 0.11), "test-seed", 1 << 20);
    alice = link.alice;
    bob = link.bob;
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
    link.close();
  }

  /** Alice's side in the caller's thread; records every batch Bob sends. */
  private static final class RecordingTransport implements PostProcessingTransport {
    final PostProcessingTransport target;
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    volatile boolean fail;

    RecordingTransport(PostProcessingTransport target) {
      this.target = target;
    }

    @Override
    public CompletionStage<List<CascadeBatch.Answer>> reconcile(String peer, List<CascadeBatch.Round> rounds) {
      batchSizes.add(rounds.size());
      if (fail) {
        return CompletableFuture.failedFuture(new IllegalStateException("connection lost"));
      }
      return target.reconcile(peer, rounds);
    }

    @Override
    public CompletionStage<SiftingReply> sift(String peer, SiftingAnnouncement a) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<EstimateReplyData> estimate(String peer, long raw,
        org.qkdnet.qnode.postprocessing.sifting.BitString disclosed, long seed) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<org.qkdnet.qnode.postprocessing.verification.VerificationTag> verify(String peer, long raw,
        long hashKey, long hashKey2, int tagBits) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<CommitResult> commit(String peer, long raw, long pool, int bits, BitString seed,
        java.util.List<Long> blockRaws) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletionStage<Long> drop(String peer, long raw, String reason) {
      throw new UnsupportedOperationException();
    }
  }

  private ActorRef<ReconciliationActor.Command> bobActor(PostProcessingTransport t) {
    return kit.spawn(ReconciliationActor.create(bob, t), "bob-reconciliation",
        DispatcherSelector.fromConfig(ReconciliationActor.DISPATCHER));
  }

  /** Sends frames 1..count to Bob's actor (Alice holds those in {@code open}); Alice's keys by raw id. */
  private Map<Long, BitString> reconcile(ActorRef<ReconciliationActor.Command> actor, int count, List<Long> open,
      TestProbe<ReconciliationActor.Reconciled> probe) {
    SplitMix64 rng = new SplitMix64(42);
    Map<Long, BitString> keys = new HashMap<>();
    for (long raw = 1; raw <= count; raw++) {
      BitString a = InProcessCascade.randomFrame(BITS, rng);
      BitString b = InProcessCascade.withErrors(a, QBER, rng);
      long seed = rng.nextLong();
      keys.put(raw, a);
      if (open.contains(raw)) {
        alice.alice().openForReconciliation(raw, a.copy(), seed);
      }
      actor.tell(new ReconciliationActor.Reconcile(raw, b, CascadeVariant.YANETAL, QBER, seed, probe.getRef()));
    }
    return keys;
  }

  private Map<Long, ReconciliationActor.Reconciled> receive(TestProbe<ReconciliationActor.Reconciled> probe, int n) {
    Map<Long, ReconciliationActor.Reconciled> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      ReconciliationActor.Reconciled r = probe.receiveMessage(Duration.ofSeconds(30));
      out.put(r.raw(), r);
    }
    return out;
  }

  @Test
  void framesInFlight_shareRoundTrips_andAllReconcile() {
    RecordingTransport t = new RecordingTransport(new DirectTransport(alice));
    TestProbe<ReconciliationActor.Reconciled> probe = kit.createTestProbe();
    Map<Long, BitString> keys = reconcile(bobActor(t), 6, List.of(1L, 2L, 3L, 4L, 5L, 6L), probe);
    Map<Long, ReconciliationActor.Reconciled> got = receive(probe, 6);

    int roundsOfAllFrames = 0;
    for (long raw = 1; raw <= 6; raw++) {
      ReconciliationActor.Reconciled r = got.get(raw);
      assertThat(r.failure()).isEmpty();
      assertThat(r.corrected().contentEquals(keys.get(raw))).as("frame %d corrected", raw).isTrue();
      roundsOfAllFrames += r.roundTrips();
    }
    // every frame's rounds travelled, but in fewer calls than rounds: frames shared batches
    assertThat(t.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(roundsOfAllFrames);
    assertThat(t.batchSizes.size()).isLessThan(roundsOfAllFrames);
    assertThat(t.batchSizes).anySatisfy(size -> assertThat(size).isGreaterThan(1));
    assertThat(t.batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, CascadeBatch.MAX_ROUNDS));
  }

  @Test
  void batchByteBound_reached_roundsGoInLaterBatches_allReconcile() {
    RecordingTransport t = new RecordingTransport(new DirectTransport(alice));
    TestProbe<ReconciliationActor.Reconciled> probe = kit.createTestProbe();
    // a bound below any round's size: every batch carries exactly one round
    ActorRef<ReconciliationActor.Command> actor = kit.spawn(ReconciliationActor.create(bob, t, 1),
        "bob-small-batches", DispatcherSelector.fromConfig(ReconciliationActor.DISPATCHER));
    Map<Long, BitString> keys = reconcile(actor, 4, List.of(1L, 2L, 3L, 4L), probe);
    Map<Long, ReconciliationActor.Reconciled> got = receive(probe, 4);
    for (long raw = 1; raw <= 4; raw++) {
      assertThat(got.get(raw).failure()).isEmpty();
      assertThat(got.get(raw).corrected().contentEquals(keys.get(raw))).isTrue();
    }
    assertThat(t.batchSizes).isNotEmpty().allSatisfy(size -> assertThat(size).isEqualTo(1));
  }

  @Test
  void roundAliceCannotAnswer_failsOnlyThatFrame() {
    RecordingTransport t = new RecordingTransport(new DirectTransport(alice));
    TestProbe<ReconciliationActor.Reconciled> probe = kit.createTestProbe();
    // Alice never opened frame 2
    Map<Long, BitString> keys = reconcile(bobActor(t), 3, List.of(1L, 3L), probe);
    Map<Long, ReconciliationActor.Reconciled> got = receive(probe, 3);

    assertThat(got.get(2L).corrected()).isNull();
    assertThat(got.get(2L).failure()).contains("Alice refused").contains("raw frame 2");
    for (long raw : List.of(1L, 3L)) {
      assertThat(got.get(raw).failure()).isEmpty();
      assertThat(got.get(raw).corrected().contentEquals(keys.get(raw))).isTrue();
    }
  }

  @Test
  void failedCall_failsTheFramesItCarried() {
    RecordingTransport t = new RecordingTransport(new DirectTransport(alice));
    t.fail = true;
    TestProbe<ReconciliationActor.Reconciled> probe = kit.createTestProbe();
    reconcile(bobActor(t), 3, List.of(1L, 2L, 3L), probe);
    Map<Long, ReconciliationActor.Reconciled> got = receive(probe, 3);
    assertThat(got.values()).allSatisfy(r -> {
      assertThat(r.corrected()).isNull();
      assertThat(r.failure()).isEqualTo("cascade round failed: IllegalStateException");
    });
    probe.expectNoMessage(Duration.ofMillis(200));
  }
}
