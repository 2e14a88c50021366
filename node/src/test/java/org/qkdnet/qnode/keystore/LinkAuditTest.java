package org.qkdnet.qnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The comparison of two ends' accounts of a link (issue 10 item 2), on hand-made accounts. */
class LinkAuditTest {
  // epoch, linkBytes, sendCursor, sendUsed, recvHigh, recvUsed
  private static LinkAudit a(long sendCursor, long sendUsed, long recvHigh, long recvUsed) {
    return new LinkAudit(7, 10_000, sendCursor, sendUsed, recvHigh, recvUsed);
  }

  @Test
  void consistentHistories_evenWithRelaysInFlightDuringTheExchange_passInBothDirections() {
    // we had handed out 1000 (900 confirmed), consumed the peer's stream to 800 (600 accepted)
    LinkAudit before = a(1000, 900, 800, 600);
    // meanwhile we handed out 200 more, the peer accepted 100 of them, we confirmed 50
    LinkAudit after = a(1200, 950, 800, 600);
    LinkAudit peer = a(800, 600, 1100, 1000);
    assertThat(LinkAudit.problem(before, after, peer)).isEmpty();
  }

  @Test
  void theirConsumptionBeyondOurCursor_meansOurStoreWasRolledBack() {
    LinkAudit restored = a(500, 400, 800, 600);
    assertThat(LinkAudit.problem(restored, restored, a(800, 600, 1000, 900)))
        .hasValueSatisfying(p -> assertThat(p).contains("this store was rolled back or wiped"));
  }

  @Test
  void theirUseBeyondWhatWeAccepted_meansOurReceivingRecordsAreOld() {
    LinkAudit restored = a(1000, 900, 500, 400);
    assertThat(LinkAudit.problem(restored, restored, a(800, 600, 1000, 900)))
        .hasValueSatisfying(p -> assertThat(p).contains("receiving records were rolled back"));
  }

  @Test
  void mirrorImages_meanThePeersStoreIsOld() {
    LinkAudit mine = a(1000, 900, 800, 600);
    assertThat(LinkAudit.problem(mine, mine, a(500, 400, 1000, 900)))
        .hasValueSatisfying(p -> assertThat(p).contains("the peer's store was rolled back"));
    assertThat(LinkAudit.problem(mine, mine, a(800, 600, 1000, 500)))
        .hasValueSatisfying(p -> assertThat(p).contains("the peer's receiving records"));
  }

  @Test
  void aWipedPeer_withNothingOfTheHistory_isCaught() {
    LinkAudit mine = a(1000, 900, 800, 600);
    assertThat(LinkAudit.problem(mine, mine, new LinkAudit(0, 0, 0, 0, 0, 0))).isPresent();
  }

  @Test
  void differentEpochs_areCaught_noEpochYetIsNot() {
    LinkAudit mine = a(1000, 900, 800, 600);
    LinkAudit other = new LinkAudit(8, 10_000, 800, 600, 1000, 900);
    assertThat(LinkAudit.problem(mine, mine, other)).hasValueSatisfying(p -> assertThat(p).contains("epochs differ"));
    LinkAudit noEpoch = new LinkAudit(0, 10_000, 800, 600, 1000, 900);
    assertThat(LinkAudit.problem(mine, mine, noEpoch)).isEmpty();
  }
}
