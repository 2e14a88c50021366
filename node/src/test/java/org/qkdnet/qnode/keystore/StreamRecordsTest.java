package org.qkdnet.qnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qkdnet.qnode.keystore.TestPads.frame;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.crypto.TestKek;

/**
 * Pad is stored in sealed records of at most {@link LinkPool#MAX_RECORD_BYTES}: a relay's read of
 * a few dozen bytes opens one small record, not a whole frame (before this, 256 KiB frames made
 * every hop decrypt a frame and cost a 2-hop relay 11 ms instead of 4; docs/performance.md).
 */
class StreamRecordsTest {
  @TempDir Path dir;

  @Test
  void largeFrames_areStoredInSmallRecords_andReadsAcrossRecordBoundariesAreExact() {
    int frameBytes = 6 * LinkPool.MAX_RECORD_BYTES + 123;
    byte[] expected;
    try (KeyMaterial f = frame(frameBytes, 7)) {
      expected = f.copyBytes();
    }
    try (StationKeyStore a = StationKeyStore.open(dir.resolve("A"), "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(frameBytes, 7));
      // A < B: the first half of the frame is A's sending stream
      int half = frameBytes / 2;
      StreamId send = new StreamId("A", "B");
      assertThat(a.storedChunks(send)).isEqualTo((half + LinkPool.MAX_RECORD_BYTES - 1) / LinkPool.MAX_RECORD_BYTES);
      // reserve up to just below a record boundary, then 64 bytes across it
      PadReservation first = a.reserve("B", LinkPool.MAX_RECORD_BYTES - 10, "r1");
      a.markUsed(first);
      PadReservation across = a.reserve("B", 64, "r2");
      assertThat(across.offset()).isEqualTo(LinkPool.MAX_RECORD_BYTES - 10);
      try (KeyMaterial pad = a.padBytes(across)) {
        try (KeyMaterial want = KeyMaterial.wrap(
            Arrays.copyOfRange(expected, (int) across.offset(), (int) across.offset() + 64))) {
          assertThat(pad.contentEquals(want)).as("pad read across a record boundary").isTrue(); // never prints bytes
        }
      }
      a.markUsed(across);
      // the first record is consumed whole and deleted; the rest stay until used
      assertThat(a.storedChunks(send)).isEqualTo((half + LinkPool.MAX_RECORD_BYTES - 1) / LinkPool.MAX_RECORD_BYTES - 1);
    } finally {
      Arrays.fill(expected, (byte) 0);
    }
  }
}
