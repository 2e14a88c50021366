package org.qkdnet.qnode.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.routing.LinkReport;
import org.qkdnet.qnode.routing.LinkStatus;
import org.qkdnet.qnode.routing.StationReport;

/** Pekko settings as a station loads them (qnode-pekko.conf), but plain TCP on a free port. */
final class ClusterTestConfig {
  private ClusterTestConfig() {}

  /**
   * @param station the station id carried in the member role
   * @param extra further HOCON on top
   */
  static Config station(String station, String extra) {
    return ConfigLoader.withDefaults(ConfigFactory.parseString(extra + "\n" + """
        # The product's tls-tcp needs station certificates; the test runs plain TCP.
        pekko.remote.artery.transport = tcp
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.roles = ["%s%s"]
        # Several systems share two busy cores here: no false unreachability.
        pekko.cluster.failure-detector.acceptable-heartbeat-pause = 10s
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        """.formatted(ClusterMembership.STATION_ROLE_PREFIX, station)));
  }

  static LinkReport link(String station, String peer, LinkStatus status, double qber) {
    return new LinkReport(station, peer, status, 4096, 2048, 1024, 12_345.5, qber, Double.isNaN(qber) ? Double.NaN : 1.16,
        12, 1_767_225_600_000L, 640.0, true);
  }

  static StationReport report(String station, long incarnation, long version) {
    return new StationReport(station, incarnation, version, true, false, List.of(
        link(station, "P1", LinkStatus.UP, 0.021),
        link(station, "P2", LinkStatus.DOWN, Double.NaN)));
  }
}
