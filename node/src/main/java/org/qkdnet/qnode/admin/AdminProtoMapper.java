package org.qkdnet.qnode.admin;

import java.util.ArrayList;
import java.util.List;
import org.qkdnet.qnode.proto.v1.Exclusion;
import org.qkdnet.qnode.proto.v1.LinkEnd;
import org.qkdnet.qnode.proto.v1.LinkInfo;
import org.qkdnet.qnode.proto.v1.LinksReply;
import org.qkdnet.qnode.proto.v1.Member;
import org.qkdnet.qnode.proto.v1.RouteAlternative;
import org.qkdnet.qnode.proto.v1.RouteReply;
import org.qkdnet.qnode.proto.v1.StatusReply;
import org.qkdnet.qnode.routing.RouteDecision;

/** Builds the admin API's answers from an {@link AdminView}. */
final class AdminProtoMapper {
  private AdminProtoMapper() {}

  static StatusReply status(AdminView v) {
    NetworkPicture p = NetworkPicture.of(v);
    StatusReply.Builder b = StatusReply.newBuilder().setStation(v.station()).setUptimeMs(v.uptimeMillis())
        .setVersion(v.version()).setStoreHealth(v.storeFailure().map(f -> "failed: " + f).orElse("ok"))
        .setTopology(p.topology());
    for (NetworkPicture.MemberState m : p.members()) {
      b.addMembers(Member.newBuilder().setId(m.id()).setRole(m.role()).setStatus(m.status())
          .setReachable(m.reachable()).setDrained(m.drained()).setStoreFailed(m.storeFailed()));
    }
    return b.build();
  }

  static LinksReply links(AdminView v) {
    LinksReply.Builder b = LinksReply.newBuilder();
    for (NetworkPicture.LinkState l : NetworkPicture.of(v).links()) {
      b.addLinks(LinkInfo.newBuilder().setA(l.a()).setB(l.b()).setKm(l.km()).setState(l.state())
          .setEndA(end(l.endA())).setEndB(end(l.endB())).setSecureBitsPerSecond(l.secureBitsPerSecond())
          .setQber(l.qber()).setCascadeEfficiency(l.cascadeEfficiency()).setFramesDropped(l.framesDropped())
          .setLastFrameMs(l.lastFrameMillis()).setKeyUseBytesPerSecond(l.keyUseBytesPerSecond()));
    }
    return b.build();
  }

  private static LinkEnd end(NetworkPicture.LinkEnd e) {
    return LinkEnd.newBuilder().setStation(e.station()).setState(e.state()).setSendBytes(e.sendBytes())
        .setReceiveBytes(e.receiveBytes()).setUnassignedBytes(e.unassignedBytes()).setShortOfKey(e.shortOfKey())
        .build();
  }

  static RouteReply route(RouteDecision d, List<List<String>> disjoint) {
    RouteReply.Builder b = RouteReply.newBuilder().setSummary(d.summary()).setReserveWaived(d.reserveWaived());
    d.path().ifPresent(p -> {
      b.addAllPath(p);
      b.setBottleneckBytes(d.bottleneck() == Long.MAX_VALUE ? 0 : Math.max(0, d.bottleneck()));
    });
    d.excludedStations().forEach((s, why) -> b.addExcluded(Exclusion.newBuilder().setWhat(s).setWhy(why)));
    d.excludedLinks().forEach((l, why) -> b.addExcluded(Exclusion.newBuilder().setWhat(l.a() + "-" + l.b())
        .setWhy(why)));
    List<List<String>> others = new ArrayList<>(disjoint);
    d.path().ifPresent(others::remove);
    for (List<String> p : others) {
      b.addAlternatives(RouteAlternative.newBuilder().addAllPath(p));
    }
    return b.build();
  }
}
