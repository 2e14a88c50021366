package org.qkdnet.qnode.linkservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.keystore.LinkAudit;
import org.qkdnet.qnode.keystore.LinkPosition;
import org.qkdnet.qnode.proto.v1.LinkRekey;

/** Wire form of link audits and re-keys: what a neighbour sends is bounded before it is used. */
class AuditProtoTest {

  @Test
  void audit_roundTrips_andCountersAbove2To63AreRefused() {
    LinkAudit a = new LinkAudit(-5L, 1, 2, 3, 4, 5);
    assertThat(AuditProtoMapper.fromProto(AuditProtoMapper.toProto(a))).isEqualTo(a); // epoch is any 64 bits
    org.qkdnet.qnode.proto.v1.LinkAudit bad = AuditProtoMapper.toProto(a).toBuilder().setRecvHigh(-1L).build();
    assertThatThrownBy(() -> AuditProtoMapper.fromProto(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recv_high").hasMessageContaining("18446744073709551615");
  }

  @Test
  void rekey_roundTrips_reasonIsCutAndPrintable_countersBounded() {
    LinkPosition p = new LinkPosition(7, 1000, 3, 400, 500);
    LinkRekey w = AuditProtoMapper.toProto(42, p, "rolled back\nALARM forged line" + "x".repeat(1000));
    assertThat(w.getEpoch()).isEqualTo(42);
    assertThat(AuditProtoMapper.positionFromProto(w)).isEqualTo(p);
    String reason = AuditProtoMapper.reasonFromProto(w);
    assertThat(reason).doesNotContain("\n").hasSizeLessThanOrEqualTo(AuditProtoMapper.MAX_REASON_CHARS + 3);
    LinkRekey huge = w.toBuilder().setSendEnd(Long.MIN_VALUE).build();
    assertThatThrownBy(() -> AuditProtoMapper.positionFromProto(huge)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("send_end");
    // a reason sent raw (not through toProto) is cut when read
    LinkRekey raw = w.toBuilder().setReason("y".repeat(10_000)).build();
    assertThat(AuditProtoMapper.reasonFromProto(raw)).hasSizeLessThanOrEqualTo(AuditProtoMapper.MAX_REASON_CHARS + 3);
  }

  @Test
  void quarantinedAtPeer_onlyForThatAnswer() {
    Throwable q = Status.FAILED_PRECONDITION.withDescription(LinkGrpcService.QUARANTINED_AT + "BRA: quarantined: x")
        .asRuntimeException();
    assertThat(NeighbourClients.quarantinedAtPeer(q)).hasValueSatisfying(s -> assertThat(s).startsWith("link quarantined at BRA"));
    assertThat(NeighbourClients.quarantinedAtPeer(new CompletionException(q))).isPresent();
    assertThat(NeighbourClients.quarantinedAtPeer(Status.FAILED_PRECONDITION.withDescription("no link to X")
        .asRuntimeException())).isEmpty();
    assertThat(NeighbourClients.quarantinedAtPeer(Status.UNAVAILABLE.withDescription(LinkGrpcService.QUARANTINED_AT)
        .asRuntimeException())).isEmpty();
  }
}
