package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.util.Objects;

/**
 * {@code qnode.metrics}: the Prometheus text endpoint of a station ({@code GET /metrics}, plain
 * HTTP). Bound to loopback unless {@code host} says otherwise, because the page names the
 * network's stations, links and SAE-facing error rates. Port 0 means derived: {@code base-port +
 * 10 * (station index) + 4}, the fifth port of the station's block (0 cluster, 1 gRPC, 2 HTTPS,
 * 3 admin).
 */
public record MetricsSettings(boolean enabled, String host, int port) {
  public static final String PATH = "qnode.metrics";
  /** Offset of the derived port within a station's block of {@link NetworkSettings#PORT_STRIDE}. */
  public static final int PORT_OFFSET = 4;

  public MetricsSettings {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new ConfigException(PATH + ".host", "must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException(PATH + ".port", port + " is outside 0..65535 (0 = derived from the network's base-port)");
    }
  }

  /** Reads {@code qnode.metrics}; a derived port must fit for every station of the topology. */
  public static MetricsSettings create(Config root, TopologySpec topology, NetworkSettings network) {
    Hocon m = new Hocon(root, "").child(PATH);
    MetricsSettings s = new MetricsSettings(m.bool("enabled"), m.string("host"), m.integer("port"));
    if (s.enabled() && s.port() == 0 && !topology.stations().isEmpty()) {
      int highest = derivedPort(network.basePort(), topology.stations().size() - 1);
      if (highest > 65535) {
        throw new ConfigException(PATH + ".port", "derived port " + highest + " of the last station is above 65535:"
            + " lower qnode.network.base-port (" + network.basePort() + ") or set " + PATH + ".port");
      }
    }
    return s;
  }

  /** The port station {@code stationId} serves its metrics on. */
  public int portOf(String stationId, TopologySpec topology, NetworkSettings network) {
    if (port != 0) {
      return port;
    }
    int index = topology.indexOf(stationId);
    if (index < 0) {
      throw new IllegalArgumentException("station '" + stationId + "' is not in topology " + topology.name());
    }
    return derivedPort(network.basePort(), index);
  }

  private static int derivedPort(int basePort, int index) {
    return basePort + NetworkSettings.PORT_STRIDE * index + PORT_OFFSET;
  }
}
