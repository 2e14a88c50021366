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
 * status from its far end's answers and its pools, rate, QBER, Cascade efficiency, dropped frames
 * and the time key last came from a frame (each as coarse). Figures only.
 */
final class LinkReports {
  /**
   * The last frame's time is published rounded down to this: to the second, a link with key flowing
   * would change the station's report every second, where its rounded byte counts change every ten
   * seconds or more once the pools are large (and the replicator rewrites it every 5 s anyway).
   */
  static final long LAST_FRAME_GRANULARITY_MILLIS = 10_000;

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
      out.add(healthy ? link(peer) : new LinkReport(self, peer, LinkStatus.DOWN, 0, 0, 0, 0, Double.NaN,
          Double.NaN, 0, 0, 0, false));
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
    double f = Double.NaN;
    long dropped = 0;
    long lastFrame = links.get(peer).lastFrameMillis();
    Bb84LinkEnd end = bb84.get(peer);
    LinkStats.Snapshot stats = end == null ? null : end.stats().snapshot();
    if (stats != null && stats.framesDone() > 0) {
      rate = stats.secureBps();
      qber = Math.round(stats.qberMean() * 1000) / 1000.0; // 0.1 %: finer would republish every frame
    } else {
      rate = links.get(peer).device().secureBitsPerSecond();
    }
    if (stats != null) {
      f = Math.round(stats.efficiencyMean() * 100) / 100.0; // a mean since start: stable at 0.01 (NaN stays NaN)
      dropped = coarseCount(stats.framesDropped());
      lastFrame = Math.max(lastFrame, stats.lastKeyMillis());
    }
    return new LinkReport(self, peer, status, coarse(send), coarse(receive), coarse(s.unassigned()),
        coarseRate(rate), qber, f, dropped, lastFrame - lastFrame % LAST_FRAME_GRANULARITY_MILLIS,
        ds == null ? 0 : coarseRate(ds.keyUseBytesPerSecond()), ds != null && ds.shortOfKey());
  }

  /** Keeps the 4 leading bits (a change of about 6 % or more shows); small counts stay exact. */
  static long coarse(long bytes) {
    if (bytes < 256) {
      return bytes;
    }
    long unit = Long.highestOneBit(bytes) >>> 3;
    return bytes - bytes % unit;
  }

  /**
   * Counts (of dropped frames): exact below 16, then the 4 leading bits, so a link dropping every
   * frame changes its report about every eighth drop rather than every frame.
   */
  static long coarseCount(long n) {
    if (n < 16) {
      return n;
    }
    long unit = Long.highestOneBit(n) >>> 3;
    return n - n % unit;
  }

  private static double coarseRate(double bps) {
    if (!(bps > 0)) {
      return 0;
    }
    return coarse((long) bps);
  }
}
