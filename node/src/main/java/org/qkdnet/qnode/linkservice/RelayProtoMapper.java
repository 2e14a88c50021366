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
        .setProbe(m.probe())
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
        p.getShareCount() == 0 ? 1 : p.getShareCount(),
        p.getProbe());
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
        .addAllTimes(o.times().stream().map(t -> org.qkdnet.qnode.proto.v1.StationTime.newBuilder()
            .setStation(t.station()).setMicros(t.micros()).build()).toList())
        .build();
  }

  /** A probe's station times from the wire: ids checked, at most {@link RelayOutcome#MAX_TIMES}, none negative. */
  private static java.util.List<RelayOutcome.StationTime> times(RelayAck a) {
    java.util.List<RelayOutcome.StationTime> out = new java.util.ArrayList<>();
    for (org.qkdnet.qnode.proto.v1.StationTime t : a.getTimesList()) {
      if (out.size() >= RelayOutcome.MAX_TIMES) {
        break;
      }
      String id = stationId(t.getStation());
      if (!id.isEmpty() && t.getMicros() >= 0) {
        out.add(new RelayOutcome.StationTime(id, t.getMicros()));
      }
    }
    return out;
  }

  public static RelayOutcome fromProto(RelayAck a) {
    if (a.getOutcome() == RelayAck.Outcome.DELIVERED) {
      return new RelayOutcome(a.getRelayId(), true, false, "", "", "", "", times(a));
    }
    if (a.getOutcome() == RelayAck.Outcome.SHARE_HELD) {
      return RelayOutcome.shareHeld(a.getRelayId());
    }
    // text from a neighbour is bounded before it is cached, logged or counted: reasons from the
    // known set only (the failure counters are keyed by them), details cut short and printable,
    // station ids only if they are ids
    String reason = RelayOutcome.REASONS.contains(a.getReason()) ? a.getReason() : RelayOutcome.INTERNAL;
    String detail = printable(a.getDetail(), RelayOutcome.MAX_DETAIL_CHARS);
    if (!reason.equals(a.getReason()) && !a.getReason().isEmpty()) {
      detail = "unknown reason '" + printable(a.getReason(), 32) + "': " + detail;
    }
    return new RelayOutcome(printable(a.getRelayId(), 64), false, false, reason, detail, stationId(a.getFailedAt()),
        stationId(a.getSuspectStation()), times(a));
  }

  private static final java.util.regex.Pattern STATION_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static String stationId(String s) {
    return STATION_ID.matcher(s).matches() ? s : "";
  }

  /** At most {@code max} characters, control characters replaced, marked when cut. */
  static String printable(String s, int max) {
    String cut = s.length() > max ? s.substring(0, max) + "..." : s;
    StringBuilder b = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
