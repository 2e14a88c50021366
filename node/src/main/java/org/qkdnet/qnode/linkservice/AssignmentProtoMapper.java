package org.qkdnet.qnode.linkservice;

import java.util.ArrayList;
import java.util.List;
import org.qkdnet.qnode.keystore.ApplyResult;
import org.qkdnet.qnode.keystore.AssignmentEntry;
import org.qkdnet.qnode.link.DirectionSupply;
import org.qkdnet.qnode.proto.v1.AssignmentsAck;

/** Wire form of the key-supply exchange; wire values are untrusted and checked here. */
final class AssignmentProtoMapper {
  private AssignmentProtoMapper() {}

  static org.qkdnet.qnode.proto.v1.AssignmentEntry toProto(AssignmentEntry e) {
    return org.qkdnet.qnode.proto.v1.AssignmentEntry.newBuilder().setSeq(e.seq()).setLinkOffset(e.linkOffset())
        .setLength(e.length()).setToStation(e.toStation()).setStreamOffset(e.streamOffset()).build();
  }

  static List<org.qkdnet.qnode.proto.v1.AssignmentEntry> toProto(List<AssignmentEntry> entries) {
    return entries.stream().map(AssignmentProtoMapper::toProto).toList();
  }

  /** @throws IllegalArgumentException on too many entries or out-of-range values */
  static List<AssignmentEntry> fromProto(List<org.qkdnet.qnode.proto.v1.AssignmentEntry> entries) {
    if (entries.size() > DirectionSupply.MAX_ENTRIES_PER_MESSAGE) {
      throw new IllegalArgumentException(entries.size() + " assignment entries in one message, at most "
          + DirectionSupply.MAX_ENTRIES_PER_MESSAGE);
    }
    List<AssignmentEntry> out = new ArrayList<>(entries.size());
    for (org.qkdnet.qnode.proto.v1.AssignmentEntry p : entries) {
      // uint64/uint32 beyond the signed range arrive negative and are refused by the record
      out.add(new AssignmentEntry(p.getSeq(), p.getLinkOffset(), p.getLength(), p.getToStation(), p.getStreamOffset()));
    }
    return out;
  }

  static AssignmentsAck toProto(ApplyResult r) {
    return AssignmentsAck.newBuilder().setNextSeq(r.nextSeq()).setLinkBytes(r.linkBytes()).setApplied(r.applied())
        .setStopped(r.stopped()).build();
  }

  static ApplyResult fromProto(AssignmentsAck a) {
    return new ApplyResult(a.getNextSeq(), a.getLinkBytes(), a.getApplied(), a.getStopped());
  }
}
