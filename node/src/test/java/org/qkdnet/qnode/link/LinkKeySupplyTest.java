package org.qkdnet.qnode.link;

import org.qkdnet.qnode.crypto.TestKek;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.device.QkdDevice.LinkEnds;
import org.qkdnet.qnode.device.sim.FinishedKeySimulator;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.SplitFrames;

/** The frame synchronisation of one link between two real key stores (Alice = AAA, Bob = BBB). */
class LinkKeySupplyTest {
  private static final int FRAME = 1000;
  /** The wall clock both ends stamp frames with, epoch ms. */
  private static final AtomicLong WALL = new AtomicLong(1_700_000_000_000L);
  @TempDir Path dir;
  private StationKeyStore aliceStore;
  private StationKeyStore bobStore;
  private LinkKeySupply alice;
  private LinkKeySupply bob;

  @BeforeEach
  void setUp() {
    aliceStore = StationKeyStore.open(dir.resolve("a"), "AAA", TestKek.kek());
    bobStore = StationKeyStore.open(dir.resolve("b"), "BBB", TestKek.kek());
    alice = supply("AAA", aliceStore, 10 * FRAME);
    bob = supply("BBB", bobStore, 10 * FRAME);
  }

  private static LinkKeySupply supply(String self, StationKeyStore store, long maxPool) {
    FinishedKeySimulator device = FinishedKeySimulator.atRate(LinkEnds.of("AAA", "BBB", 40), "seed", 1e6);
    return new LinkKeySupply(self, device, store, maxPool, FRAME, 0, () -> Instant.ofEpochMilli(WALL.get()));
  }

  @AfterEach
  void tearDown() {
    aliceStore.close();
    bobStore.close();
  }

  /** One round of the protocol as the actor and the gRPC service would run it. */
  private FrameAnnounceResult round() {
    long id = alice.nextFrameId();
    FrameAnnounceResult r = bob.onAnnounce(id, FRAME);
    if (r.outcome() == FrameAnnounceResult.Outcome.APPENDED) {
      alice.onPeerAppended(id, FRAME);
    }
    return r;
  }

  @Test
  void rounds_bothPoolsHoldTheSameStreams() {
    for (int i = 0; i < 3; i++) {
      assertThat(round().outcome()).isEqualTo(FrameAnnounceResult.Outcome.APPENDED);
    }
    assertThat(alice.isAlice()).isTrue();
    assertThat(bob.isAlice()).isFalse();
    assertThat(aliceStore.supply("BBB").unassigned()).isEqualTo(3 * FRAME);
    assertThat(bobStore.supply("AAA").unassigned()).isEqualTo(3 * FRAME);
    SplitFrames.split(aliceStore, "BBB", 3 * FRAME);
    SplitFrames.split(bobStore, "AAA", 3 * FRAME);
    long n = aliceStore.availableToSend("BBB");
    assertThat(n).isEqualTo(3 * FRAME / 2);
    try (KeyMaterial sent = aliceStore.padBytes(aliceStore.reserve("BBB", (int) n, "r1"));
        KeyMaterial received = bobStore.acceptIncoming("AAA", 0, (int) n, "r1")) {
      assertThat(sent.contentEquals(received)).isTrue();
    }
  }

  @Test
  void lastFrameMillis_stampedWhenAFrameIsAppended_keptWhenAnnounceIsRefused() {
    assertThat(alice.lastFrameMillis()).isZero();
    assertThat(bob.lastFrameMillis()).isZero();
    long first = WALL.addAndGet(1_000);

    round();

    assertThat(alice.lastFrameMillis()).isEqualTo(first);
    assertThat(bob.lastFrameMillis()).isEqualTo(first);
    WALL.addAndGet(1_000);
    assertThat(bob.onAnnounce(alice.nextFrameId() + 5, FRAME).outcome())
        .isEqualTo(FrameAnnounceResult.Outcome.REJECTED);
    assertThat(bob.onAnnounce(alice.nextFrameId(), FRAME + 1).outcome())
        .isEqualTo(FrameAnnounceResult.Outcome.REJECTED);
    assertThat(bob.lastFrameMillis()).isEqualTo(first);
    long second = WALL.addAndGet(1_000);

    round();

    assertThat(alice.lastFrameMillis()).isEqualTo(second);
    assertThat(bob.lastFrameMillis()).isEqualTo(second);
  }

  @Test
  void onAnnounce_repeatOfAppendedFrame_isIdempotent() {
    round();
    FrameAnnounceResult again = bob.onAnnounce(0, FRAME);
    assertThat(again.outcome()).isEqualTo(FrameAnnounceResult.Outcome.APPENDED);
    assertThat(bobStore.supply("AAA").linkBytes()).isEqualTo(FRAME);
  }

  @Test
  void onAnnounce_aliceRestartedBehindBob_catchesUpWithSameFrame() {
    // Bob appended frame 0 but Alice crashed before appending it
    assertThat(bob.onAnnounce(0, FRAME).outcome()).isEqualTo(FrameAnnounceResult.Outcome.APPENDED);
    assertThat(alice.nextFrameId()).isZero();
    assertThat(round().outcome()).isEqualTo(FrameAnnounceResult.Outcome.APPENDED);
    assertThat(alice.nextFrameId()).isEqualTo(1);
    assertThat(bob.nextFrameId()).isEqualTo(1);
  }

  @Test
  void onAnnounce_gap_isRejectedAndChangesNothing() {
    FrameAnnounceResult r = bob.onAnnounce(5, FRAME);
    assertThat(r.outcome()).isEqualTo(FrameAnnounceResult.Outcome.REJECTED);
    assertThat(r.detail()).contains("expects frame 0");
    assertThat(bob.nextFrameId()).isZero();
  }

  @Test
  void onAnnounce_wrongFrameSize_isRejectedAsConfigurationMismatch() {
    FrameAnnounceResult r = bob.onAnnounce(0, FRAME + 1);
    assertThat(r.outcome()).isEqualTo(FrameAnnounceResult.Outcome.REJECTED);
    assertThat(r.detail()).contains("configured differently");
    assertThat(bob.nextFrameId()).isZero();
  }

  @Test
  void onAnnounce_bobPoolFull_refusesAndAliceAppendsNothing() {
    for (int i = 0; i < 10; i++) {
      round();
    }
    FrameAnnounceResult r = round();
    assertThat(r.outcome()).isEqualTo(FrameAnnounceResult.Outcome.POOL_FULL);
    assertThat(alice.nextFrameId()).isEqualTo(bob.nextFrameId()).isEqualTo(10);
  }

  @Test
  void frameDue_aliceWithFullPool_isFalse() {
    for (int i = 0; i < 10; i++) {
      round();
    }
    assertThat(alice.frameDue(3_600_000_000_000L)).isFalse();
  }
}
