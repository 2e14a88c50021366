package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.config.Bb84Settings;
import org.qkdnet.qnode.crypto.TestKek;
import org.qkdnet.qnode.device.QkdDevice.LinkEnds;
import org.qkdnet.qnode.device.sim.Bb84Parameters;
import org.qkdnet.qnode.device.sim.FinishedKeySimulator;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.link.LinkKeySupply;
import org.qkdnet.qnode.link.LinkLiveness;
import org.qkdnet.qnode.link.bb84.Bb84Device;
import org.qkdnet.qnode.link.bb84.Bb84LinkEnd;
import org.qkdnet.qnode.postprocessing.cascade.CascadeVariant;
import org.qkdnet.qnode.postprocessing.estimation.EpsilonBudget;
import org.qkdnet.qnode.routing.LinkReport;

/**
 * What a station publishes per link about its frames (Cascade f, dropped frames, last frame time):
 * taken from the real link parts over a real key store, coarse so that the report does not change
 * with every frame.
 */
class LinkReportsTest {
  private static final LinkEnds LINK = LinkEnds.of("AAA", "BBB", 25);
  private static final long WALL = 1_767_225_600_000L;

  @TempDir Path dir;
  private StationKeyStore store;

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  private LinkReport report(String self, LinkKeySupply supply, Map<String, Bb84LinkEnd> bb84) {
    LinkReports reports = new LinkReports(self, store, Map.of(supply.peer(), supply), bb84, Map.of(),
        new LinkLiveness(Long.MAX_VALUE, System::nanoTime), () -> false);
    return reports.levels().links().get(0);
  }

  @Test
  void finishedKeyLink_hasNoCascadeOrDrops_lastFrameRoundedDownToItsGranularity() {
    store = StationKeyStore.open(dir, "BBB", TestKek.kek());
    AtomicLong wall = new AtomicLong(WALL + 3_456);
    LinkKeySupply bob = new LinkKeySupply("BBB", FinishedKeySimulator.atRate(LINK, "seed", 1e6), store, 1 << 20,
        1000, 0, () -> Instant.ofEpochMilli(wall.get()));
    assertThat(report("BBB", bob, Map.of()).lastFrameMillis()).as("no frame yet").isZero();

    bob.onAnnounce(0, 1000);
    LinkReport r = report("BBB", bob, Map.of());

    assertThat(r.cascadeEfficiency()).isNaN();
    assertThat(r.framesDropped()).isZero();
    assertThat(r.lastFrameMillis()).isEqualTo(WALL);
    wall.addAndGet(LinkReports.LAST_FRAME_GRANULARITY_MILLIS);
    bob.onAnnounce(1, 1000);
    assertThat(report("BBB", bob, Map.of()).lastFrameMillis())
        .isEqualTo(WALL + LinkReports.LAST_FRAME_GRANULARITY_MILLIS);
  }

  @Test
  void bb84Link_publishesCascadeFToTwoDecimals_coarseDrops_andTheLastBlocksTime() {
    store = StationKeyStore.open(dir, "BBB", TestKek.kek());
    Bb84Settings settings = new Bb84Settings(Bb84Parameters.defaults().withFrameSlots(2_000_000), 0.11,
        CascadeVariant.YANETAL, EpsilonBudget.DEFAULTS, 128, 200_000, 4);
    Bb84LinkEnd end = new Bb84LinkEnd("BBB", LINK, "seed", settings, store, 1 << 20, 1.0, 0);
    LinkKeySupply supply = new LinkKeySupply("BBB", new Bb84Device(end, 1.0), store, 1 << 20, 1000, 0,
        () -> Instant.ofEpochMilli(WALL));
    LinkReport before = report("BBB", supply, Map.of("AAA", end));
    assertThat(before.cascadeEfficiency()).isNaN();
    assertThat(before.framesDropped()).isZero();
    assertThat(before.lastFrameMillis()).isZero();

    end.stats().frameReconciled(1.123);
    end.stats().frameReconciled(1.131);
    for (int i = 0; i < 37; i++) {
      end.stats().frameDropped("QBER 0.2 above abort-qber 0.11");
    }
    long start = System.currentTimeMillis();
    end.stats().blockDone(2, 400_000, 50_000, 0.02);
    LinkReport r = report("BBB", supply, Map.of("AAA", end));

    assertThat(r.cascadeEfficiency()).isEqualTo(1.13);
    assertThat(r.framesDropped()).as("37 rounded down to its 4 leading bits").isEqualTo(36);
    assertThat(r.lastFrameMillis())
        .isBetween(start - start % LinkReports.LAST_FRAME_GRANULARITY_MILLIS, System.currentTimeMillis())
        .isEqualTo(r.lastFrameMillis() - r.lastFrameMillis() % LinkReports.LAST_FRAME_GRANULARITY_MILLIS);
    assertThat(r.qber()).isEqualTo(0.02);
  }

  @Test
  void coarseCount_exactBelow16_thenFourLeadingBits() {
    assertThat(LinkReports.coarseCount(0)).isZero();
    assertThat(LinkReports.coarseCount(15)).isEqualTo(15);
    assertThat(LinkReports.coarseCount(17)).isEqualTo(16);
    assertThat(LinkReports.coarseCount(37)).isEqualTo(36);
    assertThat(LinkReports.coarseCount(1_000)).isEqualTo(960);
    assertThat(LinkReports.coarseCount(Long.MAX_VALUE)).isPositive();
  }
}
