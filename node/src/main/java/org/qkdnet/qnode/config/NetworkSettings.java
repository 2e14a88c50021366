package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code qnode.network}: the host to bind and every station's ports. A station without an
 * explicit entry gets {@code base-port + 10 * index + {0, 1, 2, 3, 5}} for cluster, gRPC, HTTPS,
 * admin and dashboard (+4 is the metrics port, {@link MetricsSettings}), where index is its
 * position in the topology, so a whole topology fits on one machine.
 */
public record NetworkSettings(String host, int basePort, Map<String, Endpoint> endpoints) {
  public static final String PATH = "qnode.network";

  /**
   * Ports per station reserved by the base-port rule (+0 cluster, +1 LinkService, +2 ETSI 014, +3 admin,
   * +4 metrics, +5 dashboard).
   */
  public static final int PORT_STRIDE = 10;

  public NetworkSettings {
    Objects.requireNonNull(host, "host");
    endpoints = Map.copyOf(endpoints);
  }

  /**
   * Reads {@code qnode.network} and checks it against the topology: explicit entries name
   * known stations, every port is in 1..65535 and no two stations (or two services of one
   * station) share a port on the same host.
   */
  public static NetworkSettings create(Config root, TopologySpec topology) {
    Hocon n = new Hocon(root, "").child(PATH);
    String host = n.string("host");
    if (host.isBlank()) {
      throw new ConfigException(n.path("host"), "must not be empty");
    }
    int basePort = n.integer("base-port");
    checkPort(n.path("base-port"), basePort);
    Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    for (Map.Entry<String, Hocon> e : n.entries("endpoints").entrySet()) {
      Hocon h = e.getValue();
      if (topology.indexOf(e.getKey()) < 0) {
        throw new ConfigException(h.base(), "unknown station '" + e.getKey() + "'");
      }
      String epHost = h.string("host", host);
      if (epHost.isBlank()) {
        throw new ConfigException(h.path("host"), "must not be empty");
      }
      int https = h.integer("https-port");
      Endpoint ep = new Endpoint(epHost, h.integer("cluster-port"), h.integer("grpc-port"), https,
          h.has("admin-port") ? h.integer("admin-port") : https + 1,
          h.has("dashboard-port") ? h.integer("dashboard-port") : https + Endpoint.DASHBOARD_ABOVE_HTTPS);
      checkPort(h.path("cluster-port"), ep.clusterPort());
      checkPort(h.path("grpc-port"), ep.grpcPort());
      checkPort(h.path("https-port"), ep.httpsPort());
      checkPort(h.path("admin-port"), ep.adminPort());
      if (!h.has("dashboard-port") && ep.dashboardPort() > 65535) {
        throw new ConfigException(h.path("dashboard-port"), "not set, and https-port + "
            + Endpoint.DASHBOARD_ABOVE_HTTPS + " = " + ep.dashboardPort() + " is above 65535: set it");
      }
      checkPort(h.path("dashboard-port"), ep.dashboardPort());
      endpoints.put(e.getKey(), ep);
    }
    NetworkSettings settings = new NetworkSettings(host, basePort, endpoints);
    settings.checkNoClash(topology);
    return settings;
  }

  /** The explicit entry of the station, or the one the base-port rule gives it. */
  public Endpoint endpointOf(String stationId, TopologySpec topology) {
    Endpoint explicit = endpoints.get(stationId);
    if (explicit != null) {
      return explicit;
    }
    int index = topology.indexOf(stationId);
    if (index < 0) {
      throw new IllegalArgumentException(
          "station '" + stationId + "' is not in topology " + topology.name());
    }
    int first = basePort + PORT_STRIDE * index;
    return new Endpoint(host, first, first + 1, first + 2, first + 3, first + 5);
  }

  private void checkNoClash(TopologySpec topology) {
    Map<String, String> owner = new HashMap<>();
    for (StationSpec s : topology.stations()) {
      Endpoint ep = endpointOf(s.id(), topology);
      boolean explicit = endpoints.containsKey(s.id());
      String at = explicit ? PATH + ".endpoints." + s.id() : PATH + ".base-port";
      claim(owner, at, s.id(), "cluster-port", ep.host(), ep.clusterPort(), explicit);
      claim(owner, at, s.id(), "grpc-port", ep.host(), ep.grpcPort(), explicit);
      claim(owner, at, s.id(), "https-port", ep.host(), ep.httpsPort(), explicit);
      claim(owner, at, s.id(), "admin-port", ep.host(), ep.adminPort(), explicit);
      claim(owner, at, s.id(), "dashboard-port", ep.host(), ep.dashboardPort(), explicit);
    }
  }

  private static void claim(
      Map<String, String> owner,
      String at,
      String station,
      String service,
      String host,
      int port,
      boolean explicit) {
    String where = explicit ? at + "." + service : at;
    if (!explicit) {
      // The rule can push a late station's ports past 65535 even when base-port itself is fine.
      if (port < 1 || port > 65535) {
        throw new ConfigException(
            where, "station " + station + "'s derived " + service + " " + port + " is outside 1..65535");
      }
    }
    String previous = owner.putIfAbsent(host + ":" + port, station + " " + service);
    if (previous != null) {
      String subject = explicit ? "port " : "station " + station + "'s derived " + service + " ";
      throw new ConfigException(
          where, subject + port + " on " + host + " is already used by " + previous);
    }
  }

  private static void checkPort(String at, int port) {
    if (port < 1 || port > 65535) {
      throw new ConfigException(at, port + " is outside 1..65535");
    }
  }
}
