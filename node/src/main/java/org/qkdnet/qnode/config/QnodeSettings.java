package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every {@code qnode.*} setting of one node, read and validated at start. A bad value stops the
 * node here with the key's path, rather than later in the middle of a relay.
 *
 * @param stationId the station this process runs, or empty when none was chosen (tools)
 * @param tlsDir PEM directory from {@code qnode certs}; the empty path when not configured
 * @param bb84ByLink every link's bb84-sim settings: {@code qnode.device.bb84} with the link's own
 *     {@code bb84} block laid over it (read for every link, whatever the device kind, so a bad
 *     block stops every station alike)
 * @param metrics the Prometheus endpoint ({@code qnode.metrics})
 * @param management Pekko Management's cluster HTTP routes ({@code qnode.management}, off by default)
 * @param dashboard the operators' live topology map ({@code qnode.dashboard})
 */
public record QnodeSettings(
    String stationId,
    Path dataDir,
    Path tlsDir,
    TopologySpec topology,
    NetworkSettings network,
    DeviceSettings device,
    RelaySettings relay,
    EtsiSettings etsi014,
    boolean keystoreSync,
    Path kekFile,
    Map<LinkSpec, Bb84Settings> bb84ByLink,
    MetricsSettings metrics,
    ManagementSettings management,
    DashboardSettings dashboard) {

  public QnodeSettings {
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(tlsDir, "tlsDir");
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(etsi014, "etsi014");
    Objects.requireNonNull(kekFile, "kekFile");
    if (!kekFile.toString().isEmpty()
        && kekFile.toAbsolutePath().normalize().startsWith(dataDir.toAbsolutePath().normalize())) {
      throw new ConfigException("qnode.keystore.kek-file", "'" + kekFile + "' is inside the data directory "
          + dataDir + ": the key-encryption key must be kept apart from the store it protects");
    }
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(management, "management");
    Objects.requireNonNull(dashboard, "dashboard");
    bb84ByLink = Map.copyOf(bb84ByLink);
    if (!stationId.isEmpty() && topology.indexOf(stationId) < 0) {
      throw new ConfigException(
          "qnode.station-id",
          "'" + stationId + "' is not a station of topology " + topology.name()
              + " (stations: " + String.join(", ", topology.stations().stream().map(StationSpec::id).toList()) + ")");
    }
  }

  public static QnodeSettings create(Config root) {
    UnknownSettings.check(root);
    Hocon q = new Hocon(root, "").child("qnode");
    String dataDir = q.string("data-dir");
    if (dataDir.isBlank()) {
      throw new ConfigException(q.path("data-dir"), "must not be empty");
    }
    TopologySpec topology = TopologySpec.fromConfig(root);
    Map<LinkSpec, Bb84Settings> bb84ByLink = new HashMap<>();
    for (int i = 0; i < topology.links().size(); i++) {
      bb84ByLink.put(topology.links().get(i), Bb84Settings.forLink(root, i));
    }
    NetworkSettings network = NetworkSettings.create(root, topology);
    MetricsSettings metrics = MetricsSettings.create(root, topology, network);
    return new QnodeSettings(
        q.string("station-id"),
        toPath(q.path("data-dir"), dataDir),
        toPath(q.path("tls-dir"), q.string("tls-dir")),
        topology,
        network,
        DeviceSettings.create(root),
        RelaySettings.create(root),
        EtsiSettings.create(root),
        q.child("keystore").bool("sync"),
        toPath(q.child("keystore").path("kek-file"), q.child("keystore").string("kek-file")),
        bb84ByLink,
        metrics,
        ManagementSettings.create(root, topology, network, metrics),
        DashboardSettings.create(root));
  }

  /** The bb84-sim settings of {@code link}, a link of the topology. */
  public Bb84Settings bb84(LinkSpec link) {
    Bb84Settings b = bb84ByLink.get(link);
    if (b == null) {
      throw new IllegalArgumentException("link " + link.a() + "-" + link.b() + " is not in topology " + topology.name());
    }
    return b;
  }

  /** The station this node runs, if one was chosen. */
  public Optional<StationSpec> station() {
    return stationId.isEmpty() ? Optional.empty() : topology.station(stationId);
  }

  /** This node's own endpoint; fails if no station was chosen. */
  public Endpoint ownEndpoint() {
    if (stationId.isEmpty()) {
      throw new ConfigException("qnode.station-id", "not set: pass --station");
    }
    return network.endpointOf(stationId, topology);
  }

  /**
   * The key-encryption key file of station {@code id}: {@code qnode.keystore.kek-file} if set,
   * else {@code <tls-dir>/stations/<id>.kek} (written there by {@code qnode certs}).
   */
  public Path kekFileOf(String id) {
    if (!kekFile.toString().isEmpty()) {
      return kekFile;
    }
    if (!tlsConfigured()) {
      throw new ConfigException("qnode.keystore.kek-file", "not set, and no qnode.tls-dir to find "
          + "stations/" + id + ".kek in: the key store does not open without its key-encryption key");
    }
    return tlsDir.resolve("stations").resolve(id + ".kek");
  }

  /** This node's metrics port (the explicit one, else derived); fails if no station was chosen. */
  public int ownMetricsPort() {
    if (stationId.isEmpty()) {
      throw new ConfigException("qnode.station-id", "not set: pass --station");
    }
    return metrics.portOf(stationId, topology, network);
  }

  /** This node's management port (see {@link ManagementSettings#portOf}); fails if no station was chosen. */
  public int ownManagementPort() {
    if (stationId.isEmpty()) {
      throw new ConfigException("qnode.station-id", "not set: pass --station");
    }
    return management.portOf(stationId, topology, network);
  }

  public boolean tlsConfigured() {
    return !tlsDir.toString().isEmpty();
  }

  private static Path toPath(String at, String text) {
    try {
      return Path.of(text);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(at, "'" + text + "' is not a valid path (" + e.getReason() + ")", e);
    }
  }
}
