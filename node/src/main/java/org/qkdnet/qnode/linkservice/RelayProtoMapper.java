package org.qkdnet.qnode.linkservice;

import com.google.protobuf.ByteString;
import org.qkdnet.qnode.proto.v1.RelayAck;
import org.qkdnet.qnode.proto.v1.RelayHop;
import org.qkdnet.qnode.relay.HopMessage;
import org.qkdnet.qnode.relay.PadRange;
import org.qkdnet.qnode.relay.RelayOutcome;

/** Converts between the relay core's records and the {@code qnode.v1} wire messages. */
public final class RelayProtoMapper {
  private RelayProtoMapper() {}

  public static RelayHop toProto(HopMessage m) {
    return RelayHop.newBuilder()
        .setRelayId(m.relayId())
        .addAllPath(m.path())
        .setHop(m.hop())
        .setMasterSaeId(m.masterSae())
        .setSlaveSaeId(m.slaveSae())
        .addAllKeyIds(m.keyIds())
        .setKeySizeBytes(m.keySizeBytes())
        .setKeyPad(toProto(m.keyPad()))
        .setMacPad(toProto(m.macPad()))
        .setCiphertext(ByteString.copyFrom(m.ciphertext()))
        .setTag(ByteString.copyFrom(m.tag()))
        .setRemainingMs(m.remainingMillis())
        .setGroupId(m.groupId())
        .setShareIndex(m.shareIndex())
        .setShareCount(m.shareCount())
        .build();
  }

  /** Wire values are untrusted: lengths are clamped into int range here and validated by the core. */
  public static HopMessage fromProto(RelayHop p) {
    return new HopMessage(
        p.getRelayId(),
        p.getPathList(),
        p.getHop(),
        p.getMasterSaeId(),
        p.getSlaveSaeId(),
        p.getKeyIdsList(),
        p.getKeySizeBytes(),
        fromProto(p.getKeyPad()),
        fromProto(p.getMacPad()),
        p.getCiphertext().toByteArray(),
        p.getTag().toByteArray(),
        p.getRemainingMs(),
        p.getGroupId(),
        // proto3 defaults: 0 means a single path (share 1 of 1); beyond 2^31 they turn negative and fail validation
        p.getShareIndex() == 0 ? 1 : p.getShareIndex(),
        p.getShareCount() == 0 ? 1 : p.getShareCount());
  }

  static org.qkdnet.qnode.proto.v1.PadRange toProto(PadRange r) {
    return org.qkdnet.qnode.proto.v1.PadRange.newBuilder()
        .setFromStation(r.from())
        .setToStation(r.to())
        .setOffset(r.offset())
        .setLength(r.length())
        .build();
  }

  static PadRange fromProto(org.qkdnet.qnode.proto.v1.PadRange p) {
    // uint64/uint32 arrive as signed Java values: huge ones become negative and fail validation
    return new PadRange(p.getFromStation(), p.getToStation(), p.getOffset(), p.getLength());
  }

  public static RelayAck toProto(RelayOutcome o) {
    return RelayAck.newBuilder()
        .setRelayId(o.relayId())
        .setOutcome(o.delivered() ? RelayAck.Outcome.DELIVERED
            : o.shareHeld() ? RelayAck.Outcome.SHARE_HELD : RelayAck.Outcome.FAILED)
        .setReason(o.reason())
        .setDetail(o.detail())
        .setFailedAt(o.failedAt())
        .setSuspectStation(o.suspect())
        .build();
  }

  public static RelayOutcome fromProto(RelayAck a) {
    if (a.getOutcome() == RelayAck.Outcome.DELIVERED) {
      return RelayOutcome.delivered(a.getRelayId());
    }
    if (a.getOutcome() == RelayAck.Outcome.SHARE_HELD) {
      return RelayOutcome.shareHeld(a.getRelayId());
    }
    String reason = a.getReason().isEmpty() ? RelayOutcome.INTERNAL : a.getReason();
    return RelayOutcome.unreachable(a.getRelayId(), reason, a.getDetail(), a.getFailedAt(), a.getSuspectStation());
  }
}
