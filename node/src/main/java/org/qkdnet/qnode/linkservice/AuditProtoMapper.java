package org.qkdnet.qnode.linkservice;

import org.qkdnet.qnode.keystore.LinkAudit;
import org.qkdnet.qnode.keystore.LinkPosition;
import org.qkdnet.qnode.proto.v1.LinkRekey;

/** Wire form of a link audit and a re-key; counters from a neighbour are read as unsigned and refused if they do not fit. */
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

  /** A re-key message: epoch, the sender's position and why (empty in an answer). */
  static LinkRekey toProto(long epoch, LinkPosition p, String reason) {
    return LinkRekey.newBuilder().setEpoch(epoch).setNextFrame(p.nextFrame()).setLinkBytes(p.linkBytes())
        .setNextSeq(p.nextSeq()).setSendEnd(p.sendEnd()).setRecvEnd(p.recvEnd())
        .setReason(RelayProtoMapper.printable(reason, MAX_REASON_CHARS)).build();
  }

  static final int MAX_REASON_CHARS = 256;

  /** @throws IllegalArgumentException if a counter does not fit a signed 64-bit value */
  static LinkPosition positionFromProto(LinkRekey r) {
    return new LinkPosition(counter(r.getNextFrame(), "next_frame"), counter(r.getLinkBytes(), "link_bytes"),
        counter(r.getNextSeq(), "next_seq"), counter(r.getSendEnd(), "send_end"), counter(r.getRecvEnd(), "recv_end"));
  }

  /** The proposer's reason, cut to printable characters. */
  static String reasonFromProto(LinkRekey r) {
    return RelayProtoMapper.printable(r.getReason(), MAX_REASON_CHARS);
  }

  private static long counter(long v, String field) {
    if (v < 0) {
      throw new IllegalArgumentException("link counter " + field + " out of range: " + Long.toUnsignedString(v));
    }
    return v;
  }
}
