package org.qkdnet.qnode.link.bb84;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.config.Bb84Settings;
import org.qkdnet.qnode.keystore.StationKeyStore;

/** Bob's post-processor against Alice's frames in one JVM, without the network. */
class LinkPostProcessorTest {
  @TempDir
  Path dir;
  private ActorTestKit kit;
  private TestLink link;
  private StationKeyStore aliceStore;
  private StationKeyStore bobStore;

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
    if (link != null) {
      link.close();
    }
  }

  private static Bb84Settings settings(double abortQber) {
    return TestLink.settings(2_000_000, abortQber);
  }

  /** Opens both ends (pools capped at {@code maxPoolBytes}) and the actor test kit; returns {alice, bob}. */
  private Bb84LinkEnd[] open(Bb84Settings s, long maxPoolBytes) {
    kit = ActorTestKit.create(ConfigFactory.parseString(TestLink.RECONCILIATION_DISPATCHER + """

        qnode.link-dispatcher { type = Dispatcher, executor = "thread-pool-executor",
          thread-pool-executor.fixed-pool-size = 1 }
        """));
    link = new TestLink(dir, s, "test-seed", maxPoolBytes);
    aliceStore = link.aliceStore;
    bobStore = link.bobStore;
    return new Bb84LinkEnd[] {link.alice, link.bob};
  }

  /** Bob's post-processor on the link dispatcher. */
  private void startBob(Bb84LinkEnd bob, PostProcessingTransport transport, IntPredicate residualErrorFor,
      BooleanSupplier aliceLive) {
    kit.spawn(LinkPostProcessor.create(bob, transport, new SecureRandom(), residualErrorFor, aliceLive), "bob",
        DispatcherSelector.fromConfig("qnode.link-dispatcher"));
  }

  /** Opens both ends and starts Bob against Alice's frames; returns {alice, bob}. */
  private Bb84LinkEnd[] run(Bb84Settings s, IntPredicate residualErrorFor) {
    Bb84LinkEnd[] ends = open(s, 1 << 20);
    startBob(ends[1], new DirectTransport(ends[0]), residualErrorFor, () -> true);
    return ends;
  }

  @Test
  void residualError_verificationDropsFrame_neverStored() {
    // every raw frame with an even id gets one bit flipped after Cascade
    Bb84LinkEnd[] ends = run(settings(0.11), raw -> raw % 2 == 0);
    Bb84LinkEnd bob = ends[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
        bob.stats().snapshot().framesDone() >= 3
            && bob.stats().snapshot().dropReasons().getOrDefault("verification tag mismatch (residual error)", 0L) >= 3);
    kit.shutdownTestKit();
    kit = null;

    LinkStats.Snapshot s = bob.stats().snapshot();
    long poolFrames = bobStore.nextFrameId("AAA");
    // only frames that passed verification reached the pool (one pool frame per block), at both
    // ends, identically
    assertThat(poolFrames).isEqualTo(s.blocksDone()).isPositive();
    assertThat(ends[0].alice().openFrames()).isLessThanOrEqualTo(4);
    assertSameStreams();
  }

  @Test
  void qberAboveAbort_framesDroppedWithReason_nothingStored() {
    // the default channel has ~1.5 % QBER: an abort threshold of 0.5 % drops every frame
    Bb84LinkEnd[] ends = run(settings(0.005), null);
    Bb84LinkEnd bob = ends[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
        bob.stats().snapshot().framesDropped() >= 5);
    LinkStats.Snapshot s = bob.stats().snapshot();
    assertThat(s.dropReasons().keySet()).allSatisfy(r -> assertThat(r).contains("QBER").contains("abort"));
    assertThat(s.framesDone()).isZero();
    assertThat(bobStore.nextFrameId("AAA")).isZero();
    assertThat(aliceStore.nextFrameId("BBB")).isZero();
    assertThat(ends[0].stats().snapshot().dropReasons().keySet()).anySatisfy(r -> assertThat(r).contains("QBER"));
  }

  @Test
  void cleanChannel_framesCommitted_poolsIdentical() {
    Bb84LinkEnd[] ends = run(settings(0.11), null);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
        ends[1].stats().snapshot().framesDone() >= 4);
    kit.shutdownTestKit();
    kit = null;
    assertThat(ends[1].stats().snapshot().dropReasons()).isEmpty();
    assertThat(ends[1].stats().snapshot().reconciliationThread()).contains(ReconciliationActor.DISPATCHER);
    assertSameStreams();
  }

  /** DirectTransport that records the order of Bob's calls (frame ids and block sizes only). */
  private static final class Recording implements PostProcessingTransport {
    final DirectTransport direct;
    final java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    Recording(Bb84LinkEnd alice) {
      direct = new DirectTransport(alice);
    }

    @Override
    public java.util.concurrent.CompletionStage<org.qkdnet.qnode.postprocessing.sifting.SiftingReply> sift(String peer,
        org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement a) {
      events.add("sift " + a.frame());
      return direct.sift(peer, a);
    }

    @Override
    public java.util.concurrent.CompletionStage<EstimateReplyData> estimate(String peer, long raw,
        org.qkdnet.qnode.postprocessing.sifting.BitString disclosed, long permutationSeed) {
      return direct.estimate(peer, raw, disclosed, permutationSeed);
    }

    @Override
    public java.util.concurrent.CompletionStage<java.util.List<CascadeBatch.Answer>>
        reconcile(String peer, java.util.List<CascadeBatch.Round> rounds) {
      return direct.reconcile(peer, rounds);
    }

    @Override
    public java.util.concurrent.CompletionStage<org.qkdnet.qnode.postprocessing.verification.VerificationTag> verify(
        String peer, long raw, long hashKey, long hashKey2, int tagBits) {
      events.add("verify " + raw);
      return direct.verify(peer, raw, hashKey, hashKey2, tagBits);
    }

    @Override
    public java.util.concurrent.CompletionStage<CommitResult> commit(String peer, long raw, long poolFrameId,
        int secureBits, org.qkdnet.qnode.postprocessing.cascade.BitString seed, java.util.List<Long> blockRaws) {
      events.add("commit " + blockRaws.size());
      return direct.commit(peer, raw, poolFrameId, secureBits, seed, blockRaws);
    }

    @Override
    public java.util.concurrent.CompletionStage<Long> drop(String peer, long raw, String reason) {
      events.add("drop " + raw);
      return direct.drop(peer, raw, reason);
    }
  }

  @Test
  void smallFirstBlock_closesWithFewerFrames_thenFullBlocks() {
    Bb84Settings base = settings(0.11);
    // the first block of TestLink's smallest block that leaves key, the others twice that
    Bb84Settings s = new Bb84Settings(base.params(), base.abortQber(), base.cascadeVariant(), base.eps(),
        base.verificationTagBits(), 2 * TestLink.BLOCK_BITS, base.framesInFlight(), TestLink.BLOCK_BITS);
    Bb84LinkEnd[] ends = open(s, 1 << 20);
    Recording t = new Recording(ends[0]);
    startBob(ends[1], t, null, () -> true);
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() ->
        t.events.stream().filter(e -> e.startsWith("commit")).count() >= 3);
    kit.shutdownTestKit();
    kit = null;
    java.util.List<Integer> blockFrames = java.util.List.copyOf(t.events).stream().filter(e -> e.startsWith("commit"))
        .map(e -> Integer.parseInt(e.substring(7))).toList();
    // frames carry similar numbers of sifted bits: half the bits, about half the frames
    assertThat(blockFrames.get(0)).as("frames per block: %s", blockFrames)
        .isLessThan(blockFrames.get(1) * 3 / 4).isLessThan(blockFrames.get(2) * 3 / 4);
    assertSameStreams();
  }

  @Test
  void aliceNotYetLive_noContactNoFrames_thenStartsWhenSheIs() {
    Bb84LinkEnd[] ends = open(settings(0.11), 1 << 20);
    Bb84LinkEnd alice = ends[0];
    Bb84LinkEnd bob = ends[1];
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    PostProcessingTransport direct = new DirectTransport(alice);
    PostProcessingTransport counting = (PostProcessingTransport) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {PostProcessingTransport.class}, (proxy, m, args) -> {
          calls.incrementAndGet();
          try {
            return m.invoke(direct, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    java.util.concurrent.atomic.AtomicBoolean aliceLive = new java.util.concurrent.atomic.AtomicBoolean(false);
    startBob(bob, counting, null, aliceLive::get);

    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 0);
    assertThat(bob.stats().snapshot().framesDone() + bob.stats().snapshot().framesDropped()).isZero();
    assertThat(alice.alice().openFrames()).isZero();

    aliceLive.set(true);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
        bob.stats().snapshot().framesDone() >= 1);
    assertThat(calls.get()).isPositive();
  }

  @Test
  void poolAtItsCap_noNewFrames_untilKeyIsDrawn() {
    Bb84Settings s = settings(0.11);
    long cap = 8 * 1024;
    Bb84LinkEnd[] ends = open(s, cap);
    Bb84LinkEnd bob = ends[1];
    startBob(bob, new DirectTransport(ends[0]), null, () -> true);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
        !bob.hasRoom(1024));
    long blocksAtCap = bob.stats().snapshot().blocksDone();
    // the block being collected may still close (its frames were in flight); then nothing more
    // while nobody draws key
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> bob.stats().snapshot().blocksDone() <= blocksAtCap + 1);
    long perBlock = bob.storedBytes() / Math.max(1, bob.stats().snapshot().blocksDone());
    assertThat(bob.storedBytes()).as("unused key at Bob").isLessThanOrEqualTo(cap + perBlock);
    assertSameStreams();
  }

  private void assertSameStreams() {
    LinkStreams.assertSameStreams(aliceStore, bobStore);
  }
}
