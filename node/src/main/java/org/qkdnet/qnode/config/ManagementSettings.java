package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code qnode.management}: Pekko Management's cluster HTTP routes ({@code GET /cluster/members}
 * and the other read-only {@code /cluster} routes), off unless asked for. Plain HTTP without
 * authentication on the station's own host ({@link Endpoint#host()}), so it is served only on
 * request. Port 0 means per station: the {@code management-port} of its explicit entry in {@code
 * qnode.network.endpoints}, else derived, {@code base-port + 10 * (station index) + 6} (+4 is the
 * metrics port; +5 is kept free).
 *
 * @param endpointPorts {@code management-port} of the explicit endpoints that set one, by station
 */
public record ManagementSettings(boolean enabled, int port, Map<String, Integer> endpointPorts) {
  public static final String PATH = "qnode.management";
  /** Offset of the derived port within a station's block of {@link NetworkSettings#PORT_STRIDE}. */
  public static final int PORT_OFFSET = 6;
  /** The key of an explicit endpoint that sets the station's management port. */
  public static final String ENDPOINT_KEY = "management-port";

  public ManagementSettings {
    if (port < 0 || port > 65535) {
      throw new ConfigException(PATH + ".port", port + " is outside 0..65535 (0 = per station: the endpoint's "
          + ENDPOINT_KEY + " or derived from the network's base-port)");
    }
    endpointPorts = Map.copyOf(endpointPorts);
  }

  /**
   * Reads {@code qnode.management} and the {@code management-port} of explicit endpoints. When it
   * is on, every station's port must be known, in 1..65535, and apart from the station's other
   * ports on its host (cluster, gRPC, HTTPS, admin, and metrics when they share the host).
   */
  public static ManagementSettings create(Config root, TopologySpec topology, NetworkSettings network,
      MetricsSettings metrics) {
    Hocon m = new Hocon(root, "").child(PATH);
    Map<String, Integer> explicit = new LinkedHashMap<>();
    Hocon n = new Hocon(root, "").child(NetworkSettings.PATH);
    for (Map.Entry<String, Hocon> e : n.entries("endpoints").entrySet()) {
      Hocon h = e.getValue();
      if (h.has(ENDPOINT_KEY)) {
        int p = h.integer(ENDPOINT_KEY);
        if (p < 1 || p > 65535) {
          throw new ConfigException(h.path(ENDPOINT_KEY), p + " is outside 1..65535");
        }
        explicit.put(e.getKey(), p);
      }
    }
    ManagementSettings s = new ManagementSettings(m.bool("enabled"), m.integer("port"), explicit);
    if (s.enabled()) {
      for (StationSpec st : topology.stations()) {
        s.check(st.id(), topology, network, metrics);
      }
    }
    return s;
  }

  /** The port station {@code stationId} serves the management routes on. */
  public int portOf(String stationId, TopologySpec topology, NetworkSettings network) {
    if (port != 0) {
      return port;
    }
    Integer explicit = endpointPorts.get(stationId);
    if (explicit != null) {
      return explicit;
    }
    int index = topology.indexOf(stationId);
    if (index < 0) {
      throw new IllegalArgumentException("station '" + stationId + "' is not in topology " + topology.name());
    }
    if (network.endpoints().containsKey(stationId)) {
      throw new ConfigException(NetworkSettings.PATH + ".endpoints." + stationId + "." + ENDPOINT_KEY,
          "not set, and " + PATH + ".enabled = on with " + PATH + ".port = 0: an explicit endpoint names its own"
              + " management port (or set " + PATH + ".port for every station)");
    }
    return network.basePort() + NetworkSettings.PORT_STRIDE * index + PORT_OFFSET;
  }

  private void check(String station, TopologySpec topology, NetworkSettings network, MetricsSettings metrics) {
    int p = portOf(station, topology, network);
    String at = port != 0 ? PATH + ".port"
        : endpointPorts.containsKey(station) ? NetworkSettings.PATH + ".endpoints." + station + "." + ENDPOINT_KEY
        : PATH + ".port";
    if (p > 65535) {
      throw new ConfigException(at, "station " + station + "'s derived management port " + p + " is above 65535:"
          + " lower " + NetworkSettings.PATH + ".base-port (" + network.basePort() + ") or set " + PATH + ".port");
    }
    Endpoint ep = network.endpointOf(station, topology);
    Map<String, Integer> others = new LinkedHashMap<>();
    others.put("cluster-port", ep.clusterPort());
    others.put("grpc-port", ep.grpcPort());
    others.put("https-port", ep.httpsPort());
    others.put("admin-port", ep.adminPort());
    if (metrics.enabled() && metrics.host().equals(ep.host())) {
      others.put("metrics port", metrics.portOf(station, topology, network));
    }
    others.forEach((service, other) -> {
      if (other == p) {
        throw new ConfigException(at, "station " + station + "'s management port " + p + " on " + ep.host()
            + " is already its " + service);
      }
    });
  }
}
