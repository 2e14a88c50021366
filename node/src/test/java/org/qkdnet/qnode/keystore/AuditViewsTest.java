package org.qkdnet.qnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qkdnet.qnode.keystore.TestPads.frame;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.TestKek;
import org.qkdnet.qnode.keystore.LinkRanges.Mark;
import org.qkdnet.qnode.keystore.LinkRanges.Range;

/** The read-only views the chaos checker reads from a stopped station's store. */
class AuditViewsTest {
  @TempDir Path dir;

  @Test
  void linkRanges_afterReserveUseBurnAndAccept_listsEveryRangeWithItsMark() {
    try (StationKeyStore a = StationKeyStore.open(dir, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(1000, 1));
      PadReservation used = a.reserve("B", 100, "r1");
      PadReservation burned = a.reserve("B", 50, "r2");
      a.reserve("B", 30, "r3");
      a.markUsed(used);
      a.burn(burned);
      a.acceptIncoming("B", 200, 100, "in1").zeroize();
      a.acceptIncoming("B", 0, 40, "in2").zeroize();
      a.burnIncoming("B", 20, 10);

      LinkRanges r = a.linkRanges("B");

      assertThat(r.send()).isEqualTo(new StreamId("A", "B"));
      assertThat(r.sent()).containsExactly(new Range(0, 100, Mark.USED), new Range(100, 150, Mark.BURNED),
          new Range(150, 180, Mark.RESERVED));
      assertThat(r.sendCursor()).isEqualTo(180);
      assertThat(r.recvWatermark()).isZero();
      assertThat(r.received()).containsExactly(new Range(0, 20, Mark.USED), new Range(20, 30, Mark.BURNED),
          new Range(30, 40, Mark.USED), new Range(200, 300, Mark.USED));
    }
  }

  @Test
  void linkRanges_afterReopen_showsInDoubtReservationBurned() {
    try (StationKeyStore a = StationKeyStore.open(dir, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(1000, 1));
      a.reserve("B", 64, "r1");
    }
    try (StationKeyStore a = StationKeyStore.open(dir, "A", TestKek.kek())) {
      assertThat(a.linkRanges("B").sent()).containsExactly(new Range(0, 64, Mark.BURNED));
    }
  }

  @Test
  void deliverables_listsIdsAndSaesOfWaitingKeysOnly() {
    try (StationKeyStore d = StationKeyStore.open(dir, "D", TestKek.kek())) {
      d.storeDeliverable(List.of(new DeliverableKey("k1", "m", "s", frame(32, 1)),
          new DeliverableKey("k2", "m", "s2", frame(32, 2))));
      d.takeForSlave("k1", "s", "m").orElseThrow().zeroize();

      assertThat(d.deliverables()).containsExactly(new DeliverableInfo("k2", "m", "s2"));
    }
  }
}
