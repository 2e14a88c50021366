package org.qkdnet.qnode.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.qkdnet.qnode.cluster.ClusterMembers;
import org.qkdnet.qnode.config.LinkSpec;
import org.qkdnet.qnode.config.StationSpec;
import org.qkdnet.qnode.proto.v1.Exclusion;
import org.qkdnet.qnode.proto.v1.LinkEnd;
import org.qkdnet.qnode.proto.v1.LinkInfo;
import org.qkdnet.qnode.proto.v1.LinksReply;
import org.qkdnet.qnode.proto.v1.Member;
import org.qkdnet.qnode.proto.v1.RouteAlternative;
import org.qkdnet.qnode.proto.v1.RouteReply;
import org.qkdnet.qnode.proto.v1.StatusReply;
import org.qkdnet.qnode.routing.LinkReport;
import org.qkdnet.qnode.routing.LinkStatus;
import org.qkdnet.qnode.routing.RouteDecision;
import org.qkdnet.qnode.routing.StationReport;

/** Builds the admin API's answers from an {@link AdminView}. */
final class AdminProtoMapper {
  private AdminProtoMapper() {}

  static StatusReply status(AdminView v) {
    Map<String, ClusterMembers.Member> byId = new HashMap<>();
    for (ClusterMembers.Member m : v.members()) {
      byId.put(m.station(), m);
    }
    Map<String, StationReport> reports = v.reports();
    StatusReply.Builder b = StatusReply.newBuilder().setStation(v.station()).setUptimeMs(v.uptimeMillis())
        .setVersion(v.version()).setStoreHealth(v.storeFailure().map(f -> "failed: " + f).orElse("ok"))
        .setTopology(v.topology().name());
    for (StationSpec s : v.topology().stations()) {
      ClusterMembers.Member m = byId.get(s.id());
      StationReport r = reports.get(s.id());
      b.addMembers(Member.newBuilder().setId(s.id()).setRole(s.role().name().toLowerCase(java.util.Locale.ROOT))
          .setStatus(m == null ? "Absent" : m.status()).setReachable(m != null && m.reachable())
          .setDrained(r != null && r.drained()).setStoreFailed(r != null && !r.storeHealthy()));
    }
    return b.build();
  }

  static LinksReply links(AdminView v) {
    Map<String, StationReport> reports = v.reports();
    LinksReply.Builder b = LinksReply.newBuilder();
    for (LinkSpec l : v.topology().links()) {
      Optional<LinkReport> ra = report(reports, l.a(), l.b());
      Optional<LinkReport> rb = report(reports, l.b(), l.a());
      double rate = Math.max(ra.map(LinkReport::secureBitsPerSecond).orElse(0.0),
          rb.map(LinkReport::secureBitsPerSecond).orElse(0.0));
      double qber = qber(ra, rb);
      b.addLinks(LinkInfo.newBuilder().setA(l.a()).setB(l.b()).setKm(l.km()).setState(state(ra, rb))
          .setEndA(end(l.a(), ra)).setEndB(end(l.b(), rb)).setSecureBitsPerSecond(rate).setQber(qber));
    }
    return b.build();
  }

  private static Optional<LinkReport> report(Map<String, StationReport> reports, String station, String peer) {
    StationReport r = reports.get(station);
    return r == null ? Optional.empty() : r.link(peer);
  }

  private static LinkEnd end(String station, Optional<LinkReport> r) {
    LinkEnd.Builder b = LinkEnd.newBuilder().setStation(station);
    if (r.isEmpty()) {
      return b.setState("UNKNOWN").build();
    }
    return b.setState(r.get().status().name()).setSendBytes(r.get().sendBytes())
        .setReceiveBytes(r.get().receiveBytes()).setUnassignedBytes(r.get().unassignedBytes()).build();
  }

  /** UP only when both ends say UP; otherwise the worse of the two (unknown counts as DOWN). */
  static String state(Optional<LinkReport> a, Optional<LinkReport> b) {
    LinkStatus sa = a.map(LinkReport::status).orElse(LinkStatus.DOWN);
    LinkStatus sb = b.map(LinkReport::status).orElse(LinkStatus.DOWN);
    return (rank(sa) >= rank(sb) ? sa : sb).name();
  }

  private static int rank(LinkStatus s) {
    return switch (s) {
      case UP -> 0;
      case DOWN -> 1;
      case ADMIN_DOWN -> 2;
      case QUARANTINED -> 3;
    };
  }

  private static double qber(Optional<LinkReport> a, Optional<LinkReport> b) {
    double qa = a.map(LinkReport::qber).orElse(Double.NaN);
    double qb = b.map(LinkReport::qber).orElse(Double.NaN);
    if (Double.isNaN(qa)) {
      return qb;
    }
    return Double.isNaN(qb) ? qa : Math.max(qa, qb);
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
