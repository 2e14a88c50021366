package org.qkdnet.qnode.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.qkdnet.qnode.cluster.ClusterMembers;
import org.qkdnet.qnode.config.LinkSpec;
import org.qkdnet.qnode.config.StationSpec;
import org.qkdnet.qnode.routing.LinkReport;
import org.qkdnet.qnode.routing.LinkStatus;
import org.qkdnet.qnode.routing.StationReport;

/**
 * The whole network as one station sees it at one moment: every station of the topology with its
 * membership, every link with what its two ends publish. Figures only, never key material. The
 * admin API's {@code GetStatus} and {@code ListLinks}, the event stream and the dashboard are all
 * read from it.
 *
 * @param station the station that sees it
 * @param members every station of the topology, in topology order
 * @param links every link of the topology, in topology order
 */
public record NetworkPicture(String station, String topology, List<MemberState> members, List<LinkState> links) {

  public NetworkPicture {
    members = List.copyOf(members);
    links = List.copyOf(links);
  }

  /**
   * One station of the topology.
   *
   * @param status Pekko's member status, or "Absent" when it is not a member now
   * @param reachable false while the seeing station's failure detector finds it unreachable
   */
  public record MemberState(String id, String role, String status, boolean reachable, boolean drained,
      boolean storeFailed) {

    /** The one word an operator reads first: UP, DRAINED, STORE_FAILED, UNREACHABLE, or the status. */
    public String condition() {
      if (!"Up".equals(status)) {
        return status.toUpperCase(java.util.Locale.ROOT);
      }
      if (!reachable) {
        return "UNREACHABLE";
      }
      if (storeFailed) {
        return "STORE_FAILED";
      }
      return drained ? "DRAINED" : "UP";
    }
  }

  /**
   * One end of a link as it publishes it; state UNKNOWN when the end publishes nothing.
   *
   * @param shortOfKey whether this end finds the link short of key (its post-processing on the
   *     urgent tier; docs/key-supply.md, section 5)
   */
  public record LinkEnd(String station, String state, long sendBytes, long receiveBytes, long unassignedBytes,
      boolean shortOfKey) {
    /** An end not short of key (pictures built by hand). */
    public LinkEnd(String station, String state, long sendBytes, long receiveBytes, long unassignedBytes) {
      this(station, state, sendBytes, receiveBytes, unassignedBytes, false);
    }
  }

  /**
   * One link: state UP only when both ends say UP, otherwise the worse of the two; rate and QBER
   * the higher of the two ends' (QBER NaN when not measured).
   *
   * @param cascadeEfficiency the higher of the ends' mean Cascade f (only the reconciling end, Bob,
   *     measures it); NaN when neither does (finished-key links)
   * @param framesDropped the higher of the ends' counts, not their sum: a frame one end drops is
   *     mostly dropped (and counted) at the other too
   * @param lastFrameMillis the newer of the ends' last frame times (epoch ms, to 10 s); 0 if none
   * @param keyUseBytesPerSecond the higher of the ends' rates of key use (both measure both
   *     directions; coarse); 0 when unused or unknown
   */
  public record LinkState(String a, String b, double km, String state, LinkEnd endA, LinkEnd endB,
      double secureBitsPerSecond, double qber, double cascadeEfficiency, long framesDropped,
      long lastFrameMillis, double keyUseBytesPerSecond) {
    /** A link without frame figures: no Cascade f, no dropped frame, no frame time (pictures built by hand). */
    public LinkState(String a, String b, double km, String state, LinkEnd endA, LinkEnd endB,
        double secureBitsPerSecond, double qber) {
      this(a, b, km, state, endA, endB, secureBitsPerSecond, qber, Double.NaN, 0, 0, 0);
    }

    public String name() {
      return a + "-" + b;
    }
  }

  public Optional<MemberState> member(String id) {
    return members.stream().filter(m -> m.id().equals(id)).findFirst();
  }

  public Optional<LinkState> link(String name) {
    return links.stream().filter(l -> l.name().equals(name)).findFirst();
  }

  /** The picture {@code v} gives now. */
  public static NetworkPicture of(AdminView v) {
    Map<String, ClusterMembers.Member> byId = new HashMap<>();
    for (ClusterMembers.Member m : v.members()) {
      byId.put(m.station(), m);
    }
    Map<String, StationReport> reports = v.reports();
    List<MemberState> members = new ArrayList<>();
    for (StationSpec s : v.topology().stations()) {
      ClusterMembers.Member m = byId.get(s.id());
      StationReport r = reports.get(s.id());
      members.add(new MemberState(s.id(), s.role().name().toLowerCase(java.util.Locale.ROOT),
          m == null ? "Absent" : m.status(), m != null && m.reachable(), r != null && r.drained(),
          r != null && !r.storeHealthy()));
    }
    List<LinkState> links = new ArrayList<>();
    for (LinkSpec l : v.topology().links()) {
      Optional<LinkReport> ra = report(reports, l.a(), l.b());
      Optional<LinkReport> rb = report(reports, l.b(), l.a());
      double rate = Math.max(ra.map(LinkReport::secureBitsPerSecond).orElse(0.0),
          rb.map(LinkReport::secureBitsPerSecond).orElse(0.0));
      links.add(new LinkState(l.a(), l.b(), l.km(), state(ra, rb), end(l.a(), ra), end(l.b(), rb), rate,
          higher(ra, rb, LinkReport::qber), higher(ra, rb, LinkReport::cascadeEfficiency),
          Math.max(ra.map(LinkReport::framesDropped).orElse(0L), rb.map(LinkReport::framesDropped).orElse(0L)),
          Math.max(ra.map(LinkReport::lastFrameMillis).orElse(0L), rb.map(LinkReport::lastFrameMillis).orElse(0L)),
          Math.max(ra.map(LinkReport::keyUseBytesPerSecond).orElse(0.0),
              rb.map(LinkReport::keyUseBytesPerSecond).orElse(0.0))));
    }
    return new NetworkPicture(v.station(), v.topology().name(), members, links);
  }

  private static Optional<LinkReport> report(Map<String, StationReport> reports, String station, String peer) {
    StationReport r = reports.get(station);
    return r == null ? Optional.empty() : r.link(peer);
  }

  private static LinkEnd end(String station, Optional<LinkReport> r) {
    return r.map(x -> new LinkEnd(station, x.status().name(), x.sendBytes(), x.receiveBytes(), x.unassignedBytes(),
        x.shortOfKey())).orElse(new LinkEnd(station, "UNKNOWN", 0, 0, 0));
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

  /** The higher of the two ends' figure, ignoring an end that has none (NaN). */
  private static double higher(Optional<LinkReport> a, Optional<LinkReport> b,
      java.util.function.ToDoubleFunction<LinkReport> figure) {
    double fa = a.map(figure::applyAsDouble).orElse(Double.NaN);
    double fb = b.map(figure::applyAsDouble).orElse(Double.NaN);
    if (Double.isNaN(fa)) {
      return fb;
    }
    return Double.isNaN(fb) ? fa : Math.max(fa, fb);
  }
}
