package org.qkdnet.qnode;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.demo.LocalNetwork;

/**
 * The network most station tests run on: the {@code local} ring (ALP, BRA, CHA, DEL) in one JVM,
 * its links on {@code finished-key-sim} so that pools fill at once, and the waits for its cluster.
 */
public final class TestRings {
  private static final int STATIONS = 4;
  private static final Duration FORMATION = Duration.ofSeconds(90);
  private static final Duration POLL = Duration.ofMillis(200);

  private TestRings() {}

  /** The {@code local} topology's configuration with finished-key-sim links. */
  public static Config finishedKeyLocal() {
    return ConfigFactory.parseString("qnode.device.kind = finished-key-sim").withFallback(ConfigLoader.load("local"));
  }

  /** Waits (90 s at most) until every station sees all four as live members (some may still be joining). */
  public static void awaitLive(LocalNetwork net) {
    await().atMost(FORMATION).pollInterval(POLL).until(() ->
        net.stations().stream().allMatch(s -> s.liveStations().snapshot().size() == STATIONS));
  }

  /**
   * Waits (90 s at most) until every station sees all four routable: Up and reachable, what pages
   * and routes count as "up" (a live member may still be joining).
   */
  public static void awaitRoutable(LocalNetwork net) {
    await().atMost(FORMATION).pollInterval(POLL).until(() ->
        net.stations().stream().allMatch(s -> s.liveStations().routable().size() == STATIONS));
  }
}
