package org.qkdnet.qnode.linkservice;

import org.qkdnet.qnode.keystore.LinkAudit;

/** Wire form of a link audit; counters from a neighbour are read as unsigned and refused if they do not fit. */
final class AuditProtoMapper {
  private AuditProtoMapper() {}

  static org.qkdnet.qnode.proto.v1.LinkAudit toProto(LinkAudit a) {
    return org.qkdnet.qnode.proto.v1.LinkAudit.newBuilder().setEpoch(a.epoch()).setLinkBytes(a.linkBytes())
        .setSendCursor(a.sendCursor()).setSendUsed(a.sendUsed()).setRecvHigh(a.recvHigh()).setRecvUsed(a.recvUsed())
        .build();
  }

  /** @throws IllegalArgumentException if a counter does not fit a signed 64-bit value */
  static LinkAudit fromProto(org.qkdnet.qnode.proto.v1.LinkAudit p) {
    return new LinkAudit(p.getEpoch(), counter(p.getLinkBytes(), "link_bytes"), counter(p.getSendCursor(), "send_cursor"),
        counter(p.getSendUsed(), "send_used"), counter(p.getRecvHigh(), "recv_high"), counter(p.getRecvUsed(), "recv_used"));
  }

  private static long counter(long v, String field) {
    if (v < 0) {
      throw new IllegalArgumentException("link audit " + field + " out of range: " + Long.toUnsignedString(v));
    }
    return v;
  }
}
