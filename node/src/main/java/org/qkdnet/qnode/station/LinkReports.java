package org.qkdnet.qnode.station;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.qkdnet.qnode.keystore.LinkSupply;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StreamId;
import org.qkdnet.qnode.link.DirectionSupply;
import org.qkdnet.qnode.link.LinkKeySupply;
import org.qkdnet.qnode.link.LinkLiveness;
import org.qkdnet.qnode.link.bb84.Bb84LinkEnd;
import org.qkdnet.qnode.link.bb84.LinkStats;
import org.qkdnet.qnode.routing.LinkReport;
import org.qkdnet.qnode.routing.LinkStatus;
import org.qkdnet.qnode.routing.StationReport;

/**
 * This station's link state as it publishes it: byte counts rounded down to a few significant bits
 * (so a report changes only when a level changes noticeably, not with every relay), the link's
 * status from its far end's answers and its pools, rate and QBER. Figures only.
 */
final class LinkReports {
  /** What a report is made of, compared to decide whether to publish. */
  record Levels(boolean storeHealthy, boolean drained, List<LinkReport> links) {}

  private final String self;
  private final StationKeyStore store;
  private final Map<String, LinkKeySupply> links;
  private final Map<String, Bb84LinkEnd> bb84;
  private final Map<String, DirectionSupply> supplies;
  private final LinkLiveness liveness;
  private final AtomicLong version = new AtomicLong();
  /** True while an operator drains this station (published: no transit routed through it). */
  private final java.util.function.BooleanSupplier drained;

  LinkReports(String self, StationKeyStore store, Map<String, LinkKeySupply> links, Map<String, Bb84LinkEnd> bb84,
      Map<String, DirectionSupply> supplies, LinkLiveness liveness, java.util.function.BooleanSupplier drained) {
    this.drained = drained;
    this.self = self;
    this.store = store;
    this.links = links;
    this.bb84 = bb84;
    this.supplies = supplies;
    this.liveness = liveness;
  }

  Levels levels() {
    boolean healthy = store.isHealthy();
    List<LinkReport> out = new ArrayList<>();
    for (String peer : links.keySet()) {
      out.add(healthy ? link(peer) : new LinkReport(self, peer, LinkStatus.DOWN, 0, 0, 0, 0, Double.NaN));
    }
    return new Levels(healthy, drained.getAsBoolean(), out);
  }

  StationReport report(Levels levels, long incarnation) {
    return new StationReport(self, incarnation, version.incrementAndGet(), levels.storeHealthy(), levels.drained(),
        levels.links());
  }

  private LinkReport link(String peer) {
    long send = store.availableToSend(peer);
    long receive = store.ledger(new StreamId(peer, self)).available();
    LinkSupply s = store.supply(peer);
    DirectionSupply ds = supplies.get(peer);
    LinkStatus status;
    java.util.Optional<String> blocked = store.linkBlocked(peer);
    if (store.isQuarantined(peer) || (ds != null && ds.lastProblem().startsWith("AssignmentConflictException"))) {
      status = LinkStatus.QUARANTINED;
    } else if (links.get(peer).isAdminDown()) {
      status = LinkStatus.ADMIN_DOWN;
    } else if (blocked.isPresent()) {
      status = LinkStatus.DOWN; // not yet audited with the peer since this station started
    } else if (!liveness.isAnswering(peer)) {
      // how much key the link holds is in the byte counts: routes need it at both ends (a
      // restarted station's links carry relays only once its own pools report key)
      status = LinkStatus.DOWN;
    } else {
      status = LinkStatus.UP;
    }
    double rate;
    double qber = Double.NaN;
    Bb84LinkEnd end = bb84.get(peer);
    LinkStats.Snapshot stats = end == null ? null : end.stats().snapshot();
    if (stats != null && stats.framesDone() > 0) {
      rate = stats.secureBps();
      qber = Math.round(stats.qberMean() * 1000) / 1000.0; // 0.1 %: finer would republish every frame
    } else {
      rate = links.get(peer).device().secureBitsPerSecond();
    }
    return new LinkReport(self, peer, status, coarse(send), coarse(receive), coarse(s.unassigned()),
        coarseRate(rate), qber);
  }

  /** Keeps the 4 leading bits (a change of about 6 % or more shows); small counts stay exact. */
  static long coarse(long bytes) {
    if (bytes < 256) {
      return bytes;
    }
    long unit = Long.highestOneBit(bytes) >>> 3;
    return bytes - bytes % unit;
  }

  private static double coarseRate(double bps) {
    if (!(bps > 0)) {
      return 0;
    }
    return coarse((long) bps);
  }
}
