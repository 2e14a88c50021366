package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.TestRings;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * Issue 10 item 5: a station whose store failed (as on a full disk) fails closed: it leaves the
 * cluster and stops, instead of staying a member that routes lead through and relays fail at;
 * keys go round it.
 */
class StoreFailStopTest {
  @TempDir Path dir;

  @Test
  void storeFailure_stationLeavesTheClusterAndStops_keysGoTheOtherWay() throws Exception {
    Config cfg = TestRings.finishedKeyLocal();
    try (LocalNetwork net = LocalNetwork.start(cfg, dir, id -> { })) {
      TestRings.awaitLive(net);
      net.awaitDisjointRoutes("ALP", "CHA", 2, Duration.ofSeconds(90));
      Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));

      Station bra = net.station("BRA");
      bra.store().injectFailure("No space left on device (injected)");

      assertThat(bra.failedClosed().toCompletableFuture().get(30, TimeUnit.SECONDS)).contains("No space left");
      await("ALP sees BRA gone").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> !net.station("ALP").liveStations().isRoutable("BRA"));
      for (int i = 0; i < 5; i++) {
        assertThat(master.encKeys("CHA-APP1", 1, 256)).hasSize(1);
      }
      assertThat(net.station("ALP").relayStats().lastRoute()).isEqualTo(List.of("ALP", "DEL", "CHA"));
    }
  }
}
