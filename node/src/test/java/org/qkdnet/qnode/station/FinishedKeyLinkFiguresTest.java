package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.admin.NetworkPicture;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.demo.LocalNetwork;

/**
 * A finished-key-sim link publishes no Cascade f and no dropped frames, and the time of its last
 * frame advances while key flows (seen at the other end, through the cluster).
 */
class FinishedKeyLinkFiguresTest {
  private static final String TOPOLOGY = """
      qnode.topology {
        name = pair
        description = "Two stations, one finished-key-sim link"
        stations = [
          { id = AAA, name = "A", role = backbone, lat = 30.0, lon = 114.0 }
          { id = BBB, name = "B", role = backbone, lat = 30.1, lon = 114.1 }
        ]
        links = [ { a = AAA, b = BBB, km = 25 } ]
        saes = [
          { id = "AAA-APP", station = AAA, description = "app at A" }
          { id = "BBB-APP", station = BBB, description = "app at B" }
        ]
        operators = [ "admin" ]
      }
      qnode.device.kind = "finished-key-sim"
      # about 25 kbit/s: one small frame a second that keeps coming for minutes before the
      # 1 MiB pool of the in-process settings is full (at full speed it fills in seconds)
      qnode.device.speedup = 0.01
      """;

  @TempDir Path dir;

  @Test
  void finishedKeyLink_noCascadeNoDrops_lastFrameTimeAdvances() throws Exception {
    Path topo = dir.resolve("pair.conf");
    Files.writeString(topo, TOPOLOGY);
    Config cfg = ConfigLoader.load(topo.toString());
    try (LocalNetwork net = LocalNetwork.start(ConfigFactory.empty(), cfg, dir.resolve("work"), id -> { })) {
      Station a = net.station("AAA");
      AtomicLong first = new AtomicLong();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
        first.set(link(a).lastFrameMillis());
        return first.get() > 0;
      });
      NetworkPicture.LinkState l = link(a);
      assertThat(l.cascadeEfficiency()).isNaN();
      assertThat(l.qber()).isNaN();
      assertThat(l.framesDropped()).isZero();
      assertThat(l.lastFrameMillis()).isLessThanOrEqualTo(System.currentTimeMillis());

      // published to 10 s: the next step shows within two of them
      await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() ->
          link(a).lastFrameMillis() > first.get());
      assertThat(link(a).lastFrameMillis()).isLessThanOrEqualTo(System.currentTimeMillis());
      assertThat(a.store().storedBytes("BBB")).as("the pool is not full yet").isLessThan(1 << 20);
    }
  }

  private static NetworkPicture.LinkState link(Station s) {
    return NetworkPicture.of(s.adminView()).link("AAA-BBB").orElseThrow();
  }
}
