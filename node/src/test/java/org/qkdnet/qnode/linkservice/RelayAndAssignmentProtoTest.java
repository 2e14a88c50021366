package org.qkdnet.qnode.linkservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.keystore.ApplyResult;
import org.qkdnet.qnode.keystore.AssignmentEntry;
import org.qkdnet.qnode.proto.v1.RelayAck;
import org.qkdnet.qnode.proto.v1.RelayHop;
import org.qkdnet.qnode.relay.HopMessage;
import org.qkdnet.qnode.relay.PadRange;
import org.qkdnet.qnode.relay.RelayOutcome;

/** Wire form of multipath hops, relay answers and the key-supply exchange. */
class RelayAndAssignmentProtoTest {
  private static HopMessage share() {
    return new HopMessage("r1", List.of("A", "B", "C"), 1, "A-APP", "C-APP", List.of("k1"), 32,
        new PadRange("A", "B", 10, 32), new PadRange("A", "B", 42, 32), new byte[0], new byte[16], 99L, "g1", 2, 2);
  }

  @Test
  void hop_shareFields_surviveTheWire() throws Exception {
    HopMessage back = RelayProtoMapper.fromProto(RelayHop.parseFrom(RelayProtoMapper.toProto(share()).toByteArray()));
    assertThat(back.groupId()).isEqualTo("g1");
    assertThat(back.shareIndex()).isEqualTo(2);
    assertThat(back.shareCount()).isEqualTo(2);
  }

  @Test
  void hop_withoutShareFields_isASinglePath() {
    RelayHop old = RelayProtoMapper.toProto(share()).toBuilder().clearGroupId().clearShareIndex().clearShareCount()
        .build();
    HopMessage m = RelayProtoMapper.fromProto(old);
    assertThat(m.isShare()).isFalse();
    assertThat(m.shareIndex()).isEqualTo(1);
    assertThat(m.shareCount()).isEqualTo(1);
  }

  @Test
  void ack_shareHeldAndSuspect_surviveTheWire() throws Exception {
    RelayOutcome held = RelayProtoMapper.fromProto(RelayAck.parseFrom(
        RelayProtoMapper.toProto(RelayOutcome.shareHeld("r1")).toByteArray()));
    assertThat(held.shareHeld()).isTrue();
    assertThat(held.delivered()).isFalse();
    assertThat(held.accepted()).isTrue();

    RelayOutcome down = RelayProtoMapper.fromProto(RelayAck.parseFrom(RelayProtoMapper.toProto(
        RelayOutcome.unreachable("r1", RelayOutcome.UNREACHABLE, "refused", "B", "C")).toByteArray()));
    assertThat(down.suspect()).isEqualTo("C");
    assertThat(down.failedAt()).isEqualTo("B");
    assertThat(down.retryable()).isTrue();
  }

  @Test
  void assignments_roundTrip() {
    List<AssignmentEntry> entries = List.of(new AssignmentEntry(0, 0, 100, "B", 0),
        new AssignmentEntry(1, 100, 50, "A", 0));
    assertThat(AssignmentProtoMapper.fromProto(AssignmentProtoMapper.toProto(entries))).isEqualTo(entries);
    ApplyResult r = new ApplyResult(2, 150, 2, "");
    assertThat(AssignmentProtoMapper.fromProto(AssignmentProtoMapper.toProto(r))).isEqualTo(r);
  }

  @Test
  void assignments_tooManyOrOutOfRange_refusedNamingTheProblem() {
    List<org.qkdnet.qnode.proto.v1.AssignmentEntry> many = new ArrayList<>();
    for (int i = 0; i < 257; i++) {
      many.add(AssignmentProtoMapper.toProto(new AssignmentEntry(i, i, 1, "B", i)));
    }
    assertThatThrownBy(() -> AssignmentProtoMapper.fromProto(many))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 256");
    // a uint64 beyond 2^63 arrives negative and is refused
    var huge = org.qkdnet.qnode.proto.v1.AssignmentEntry.newBuilder().setSeq(-1L).setLength(1).setToStation("B")
        .build();
    assertThatThrownBy(() -> AssignmentProtoMapper.fromProto(List.of(huge)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad assignment entry");
  }

  @Test
  void ackFromANeighbour_hasItsTextBounded_beforeAnyoneCachesLogsOrCountsIt() {
    RelayAck hostile = RelayAck.newBuilder().setRelayId("r".repeat(10_000)).setOutcome(RelayAck.Outcome.FAILED)
        .setReason("NEW_REASON_" + "X".repeat(5_000)).setDetail("line1\nline2\u0007" + "d".repeat(100_000))
        .setFailedAt("B\nFAKE LOG LINE").setSuspectStation("C".repeat(500)).build();
    RelayOutcome o = RelayProtoMapper.fromProto(hostile);
    assertThat(o.reason()).as("counters are keyed by reason: known ones only").isEqualTo(RelayOutcome.INTERNAL);
    assertThat(o.detail()).hasSizeLessThan(RelayOutcome.MAX_DETAIL_CHARS + 64).doesNotContain("\n")
        .doesNotContain("\u0007").contains("unknown reason");
    assertThat(o.relayId()).hasSizeLessThanOrEqualTo(67);
    assertThat(o.failedAt()).isEmpty();
    assertThat(o.suspect()).isEmpty();

    RelayAck fine = hostile.toBuilder().setRelayId("r1").setReason(RelayOutcome.BAD_TAG).setDetail("tag failed")
        .setFailedAt("C").setSuspectStation("").build();
    RelayOutcome ok = RelayProtoMapper.fromProto(fine);
    assertThat(ok.reason()).isEqualTo(RelayOutcome.BAD_TAG);
    assertThat(ok.detail()).isEqualTo("tag failed");
    assertThat(ok.failedAt()).isEqualTo("C");
  }
}
