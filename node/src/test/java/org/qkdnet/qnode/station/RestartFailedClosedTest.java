package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.TestRings;
import org.qkdnet.qnode.demo.LocalNetwork;

/**
 * The demo's supervision while its cluster forms: a station the cluster removed (here downed by
 * another member, as the split-brain resolver downs one starved of CPU) stops; {@link
 * LocalNetwork#restartFailedClosed} starts it again on its ports and data, and it joins again.
 */
class RestartFailedClosedTest {
  @TempDir Path dir;

  @Test
  void aStationTheClusterRemoved_isRestarted_andTheClusterShowsAllMembersAgain() throws Exception {
    Config cfg = TestRings.finishedKeyLocal();
    try (LocalNetwork net = LocalNetwork.start(cfg, dir, id -> { })) {
      TestRings.awaitLive(net);
      assertThat(net.restartFailedClosed()).as("nothing stopped yet").isEmpty();

      Station bra = net.station("BRA");
      Cluster alp = Cluster.get(Adapter.toClassic(net.station("ALP").actorSystem()));
      alp.down(Cluster.get(Adapter.toClassic(bra.actorSystem())).selfAddress());
      assertThat(bra.failedClosed().toCompletableFuture().get(60, TimeUnit.SECONDS)).contains("removed");

      assertThat(net.restartFailedClosed()).containsOnlyKeys("BRA");
      assertThat(net.station("BRA")).isNotSameAs(bra);
      await("BRA back as a member everywhere").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> net.leastLiveMembers() == 4);
      assertThat(net.restartFailedClosed()).isEmpty();
    }
  }
}
