package org.qkdnet.qnode.link.bb84;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.keystore.StationKeyStore;

class AliceFramesTest {
  @TempDir
  Path dir;
  private TestLink link;
  private StationKeyStore aliceStore;
  private Bb84LinkEnd alice;
  private Bb84LinkEnd bob;

  @BeforeEach
  void open() {
    link = new TestLink(dir, TestLink.settings(200_000, 0.11), "seed", 1 << 20);
    aliceStore = link.aliceStore;
    alice = link.alice;
    bob = link.bob;
  }

  @AfterEach
  void close() {
    link.close();
  }

  @Test
  void sift_sameRawFrameTwice_refused() {
    BobFrame f = BobFrame.start(bob, 10);
    alice.alice().sift(f.announcement());
    assertThatThrownBy(() -> alice.alice().sift(f.announcement()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never reused");
    assertThat(alice.alice().openFrames()).isEqualTo(1);
  }

  @Test
  void sift_framesInFlightOutOfOrder_accepted() {
    BobFrame later = BobFrame.start(bob, 12);
    BobFrame earlier = BobFrame.start(bob, 11);
    alice.alice().sift(later.announcement());
    alice.alice().sift(earlier.announcement());
    assertThat(alice.alice().openFrames()).isEqualTo(2);
  }

  @Test
  void commit_unknownOrUnverifiedFrame_refusedNothingAppended() {
    var seed = org.qkdnet.qnode.postprocessing.cascade.BitString.wrap(new long[2], 100);
    CommitResult unknown = alice.alice().commit(99, 0, 64, seed, java.util.List.of(99L));
    assertThat(unknown.appended()).isFalse();
    assertThat(unknown.detail()).contains("block of raw frame 99").contains("not held whole");
    BobFrame f = BobFrame.start(bob, 20);
    alice.alice().sift(f.announcement());
    // open but not verified: not held, so not part of any block
    CommitResult open = alice.alice().commit(20, 0, 64, seed, java.util.List.of(20L));
    assertThat(open.appended()).isFalse();
    assertThat(alice.alice().openFrames()).isZero();
    assertThatThrownBy(() -> alice.alice().commit(20, 0, 64, seed, java.util.List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a block lists");
    assertThat(aliceStore.nextFrameId("BBB")).isZero();
  }

  @Test
  void commit_poolFrameGap_refusedWithExpectedId() {
    var seed = org.qkdnet.qnode.postprocessing.cascade.BitString.wrap(new long[2], 100);
    CommitResult r = alice.alice().commit(5, 3, 64, seed, java.util.List.of(5L));
    assertThat(r.appended()).isFalse();
    assertThat(r.detail()).contains("gap");
    assertThat(r.nextPoolFrameId()).isZero();
  }

  @Test
  void restart_frameStagedButNotAppended_completedBeforeFirstAnswer() {
    try (var k = org.qkdnet.qnode.crypto.KeyMaterial.wrap(new byte[] {1, 2, 3, 4})) {
      aliceStore.stagePending("BBB", 0, k);
    }
    assertThat(alice.alice().drop(1, AliceFrames.RESTART)).isEqualTo(1);
    assertThat(aliceStore.pendingIds("BBB")).isEmpty();
    var seed = org.qkdnet.qnode.postprocessing.cascade.BitString.wrap(new long[0], 0);
    CommitResult again = alice.alice().commit(2, 0, 0, seed, java.util.List.of());
    assertThat(again.appended()).isTrue();
    assertThat(again.nextPoolFrameId()).isEqualTo(1);
  }

  @Test
  void recoveryCommit_frameNeverCommitted_refusedAndOpenFramesForgotten() {
    BobFrame f = BobFrame.start(bob, 30);
    alice.alice().sift(f.announcement());
    var seed = org.qkdnet.qnode.postprocessing.cascade.BitString.wrap(new long[0], 0);
    CommitResult r = alice.alice().commit(31, 0, 0, seed, java.util.List.of());
    assertThat(r.appended()).isFalse();
    assertThat(r.nextPoolFrameId()).isZero();
    assertThat(alice.alice().openFrames()).isZero();
    assertThat(aliceStore.nextFrameId("BBB")).isZero();
  }
}
