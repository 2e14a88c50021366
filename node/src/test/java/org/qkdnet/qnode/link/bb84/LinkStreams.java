package org.qkdnet.qnode.link.bb84;

import static org.assertj.core.api.Assertions.assertThat;

import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.PadReservation;
import org.qkdnet.qnode.keystore.SplitFrames;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StreamId;

/** Checks on the two pools of the test link AAA (Alice) - BBB (Bob). */
final class LinkStreams {
  private LinkStreams() {}

  /**
   * Every byte Bob holds of both directional streams equals Alice's: what one end reserves the
   * other accepts. Alice appends first, so when Bob stops mid-commit she may hold one frame more
   * than Bob, never less. Assigns the key both hold, then consumes the streams.
   */
  static void assertSameStreams(StationKeyStore aliceStore, StationKeyStore bobStore) {
    long lead = aliceStore.nextFrameId("BBB") - bobStore.nextFrameId("AAA");
    assertThat(lead).isBetween(0L, 1L);
    // committed key waits unassigned at both ends: give what both hold to the two directions
    // half/half, as the key-supply exchange would, then compare the directions
    long common = Math.min(aliceStore.supply("BBB").unassigned(), bobStore.supply("AAA").unassigned());
    assertThat(common).isPositive();
    SplitFrames.split(aliceStore, "BBB", (int) common);
    SplitFrames.split(bobStore, "AAA", (int) common);
    for (boolean aliceSends : new boolean[] {true, false}) {
      StationKeyStore from = aliceSends ? aliceStore : bobStore;
      StationKeyStore to = aliceSends ? bobStore : aliceStore;
      String fromId = aliceSends ? "AAA" : "BBB";
      String toId = aliceSends ? "BBB" : "AAA";
      long n = bobStore.ledger(new StreamId(fromId, toId)).available();
      assertThat(n).isPositive();
      if (lead == 0) {
        assertThat(aliceStore.ledger(new StreamId(fromId, toId)).available()).isEqualTo(n);
      }
      PadReservation r = from.reserve(toId, (int) n, "all-" + fromId);
      try (KeyMaterial sent = from.padBytes(r);
          KeyMaterial got = to.acceptIncoming(fromId, r.offset(), r.length(), "all-" + fromId)) {
        assertThat(sent.contentEquals(got)).isTrue();
      }
    }
  }
}
