package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.TestKek;

import org.qkdnet.qnode.crypto.KeyMaterial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staged (pending) frames of the two-phase link commit. */
class PendingFramesTest {
  @TempDir
  Path dir;

  private static KeyMaterial frame(int seed) {
    byte[] b = new byte[16];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return KeyMaterial.wrap(b);
  }

  @Test
  void stagePending_survivesReopen_commitAppendsAndDeletes() {
    try (StationKeyStore s = StationKeyStore.open(dir, "AAA", TestKek.kek())) {
      s.stagePending("BBB", 0, frame(1));
    }
    try (StationKeyStore s = StationKeyStore.open(dir, "AAA", TestKek.kek())) {
      assertThat(s.pendingIds("BBB")).containsExactly(0L);
      assertThat(s.nextFrameId("BBB")).isZero();
      try (KeyMaterial k = s.pending("BBB", 0).orElseThrow(); KeyMaterial f = frame(1)) {
        assertThat(k.contentEquals(f)).isTrue();
      }
      assertThat(s.commitPending("BBB", 0)).isTrue();
      assertThat(s.commitPending("BBB", 0)).isFalse();
    }
    try (StationKeyStore s = StationKeyStore.open(dir, "AAA", TestKek.kek())) {
      assertThat(s.pendingIds("BBB")).isEmpty();
      assertThat(s.pending("BBB", 0)).isEmpty();
      assertThat(s.nextFrameId("BBB")).isEqualTo(1);
      // committed key waits unassigned until a direction asks for it
      assertThat(s.ledger(new StreamId("AAA", "BBB")).generated()).isZero();
      assertThat(s.supply("BBB").unassigned()).isEqualTo(16);
    }
  }

  @Test
  void commitPending_sameBytesAsAppendFrame() {
    try (StationKeyStore a = StationKeyStore.open(dir.resolve("a"), "AAA", TestKek.kek());
        StationKeyStore b = StationKeyStore.open(dir.resolve("b"), "BBB", TestKek.kek())) {
      a.stagePending("BBB", 0, frame(2));
      a.commitPending("BBB", 0);
      SplitFrames.split(a, "BBB", 16);
      SplitFrames.append(b, "AAA", 0, frame(2));
      PadReservation r = a.reserve("BBB", 8, "r1");
      try (KeyMaterial sent = a.padBytes(r); KeyMaterial got = b.acceptIncoming("AAA", 0, 8, "r1")) {
        assertThat(sent.contentEquals(got)).isTrue();
      }
    }
  }

  @Test
  void stagePending_identicalRepeat_noOp_differentContent_refused() {
    try (StationKeyStore s = StationKeyStore.open(dir, "AAA", TestKek.kek())) {
      s.stagePending("BBB", 3, frame(1));
      s.stagePending("BBB", 3, frame(1));
      assertThatThrownBy(() -> s.stagePending("BBB", 3, frame(2)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("different content");
      try (KeyMaterial k = s.pending("BBB", 3).orElseThrow(); KeyMaterial f = frame(1)) {
        assertThat(k.contentEquals(f)).isTrue();
      }
      assertThat(s.pendingIds("BBB")).containsExactly(3L);
    }
  }

  @Test
  void commitPending_nothingStaged_throws_andChangesNothing() {
    try (StationKeyStore s = StationKeyStore.open(dir, "AAA", TestKek.kek())) {
      assertThatThrownBy(() -> s.commitPending("BBB", 0)).isInstanceOf(IllegalStateException.class);
      assertThat(s.nextFrameId("BBB")).isZero();
    }
  }

  @Test
  void commitPending_gap_throws_keepsStaged() {
    try (StationKeyStore s = StationKeyStore.open(dir, "AAA", TestKek.kek())) {
      SplitFrames.append(s, "BBB", 0, frame(0));
      s.stagePending("BBB", 2, frame(2));
      assertThatThrownBy(() -> s.commitPending("BBB", 2)).isInstanceOf(IllegalArgumentException.class);
      assertThat(s.pendingIds("BBB")).containsExactly(2L);
      assertThat(s.nextFrameId("BBB")).isEqualTo(1);
    }
  }

  @Test
  void discardPending_reopen_gone_poolUnchanged() {
    try (StationKeyStore s = StationKeyStore.open(dir, "AAA", TestKek.kek())) {
      s.stagePending("BBB", 0, frame(1));
      s.stagePending("CCC", 0, frame(1));
      s.discardPending("BBB", 0);
      s.discardPending("BBB", 0);
    }
    try (StationKeyStore s = StationKeyStore.open(dir, "AAA", TestKek.kek())) {
      assertThat(s.pendingIds("BBB")).isEmpty();
      assertThat(s.pendingIds("CCC")).containsExactly(0L);
      assertThat(s.nextFrameId("BBB")).isZero();
    }
  }

  @Test
  void stagePending_alreadyAppended_refused() {
    try (StationKeyStore s = StationKeyStore.open(dir, "AAA", TestKek.kek())) {
      SplitFrames.append(s, "BBB", 0, frame(0));
      assertThatThrownBy(() -> s.stagePending("BBB", 0, frame(0))).isInstanceOf(IllegalStateException.class);
      assertThat(s.pendingIds("BBB")).isEqualTo(List.of());
      Optional<KeyMaterial> none = s.pending("BBB", 0);
      assertThat(none).isEmpty();
    }
  }
}
