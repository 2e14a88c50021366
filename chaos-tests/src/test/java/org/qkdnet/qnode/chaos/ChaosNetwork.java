package org.qkdnet.qnode.chaos;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * A chaos topology ({@code chaos/ci.conf}, {@code chaos/soak.conf}) made ready for station
 * processes: the configuration file on a free base port with the suite's device settings, the
 * dev PKI from {@code qnode certs}, and what the harness needs to know of it (stations in order,
 * links, which station each SAE is at, the workload's SAE pairs).
 *
 * <p>On loopback (every station on 127.0.0.1, ports from a free base port), or in a {@link NetLab}
 * (each station on its own address in its own network namespace, the same fixed ports at every
 * station, written as {@code qnode.network.endpoints}), so that partitions and link cuts can be
 * injected between real processes.
 */
final class ChaosNetwork {
  /** An SAE pair the workload drives; {@code paths} as the topology's sae-pairs say (default 1). */
  record Pair(String master, String slave, int paths) {
    String name() {
      return master + ">" + slave;
    }
  }

  /** A link {@code a - b}, {@code a} the lower id. */
  record Link(String a, String b) {}

  /**
   * Key at a set rate (128 KiB/s per link), fast enough for thousands of relays a minute on two
   * cores: the suite tests what happens to key under faults, not the physics (bb84-sim is the
   * realistic default). Small pools (each direction keeps an eighth, 32 KiB, assigned ahead of need)
   * make the ends exchange assignments every few seconds under the load, so the key-supply crash
   * points are reached too.
   */
  static final String DEVICE_SETTINGS = """
      qnode.device.kind = finished-key-sim
      qnode.device.frame-bytes = 32768
      qnode.device.frame-period = 250ms
      qnode.device.max-pool-bytes = 256 KiB
      """;

  private final String name;
  private final Path config;
  private final Path pki;
  private final int basePort;
  private final List<String> stations;
  private final List<Link> links;
  private final Map<String, String> saeStation;
  private final List<Pair> workload;
  private final NetLab lab;

  /** The ports of every station in a {@link NetLab} (each has an address of its own). */
  static final int LAB_CLUSTER_PORT = 27100;
  static final int LAB_GRPC_PORT = 27101;
  static final int LAB_HTTPS_PORT = 27102;
  static final int LAB_ADMIN_PORT = 27103;

  private ChaosNetwork(String name, Path config, Path pki, int basePort, List<String> stations, List<Link> links,
      Map<String, String> saeStation, List<Pair> workload, NetLab lab) {
    this.lab = lab;
    this.name = name;
    this.config = config;
    this.pki = pki;
    this.basePort = basePort;
    this.stations = List.copyOf(stations);
    this.links = List.copyOf(links);
    this.saeStation = Map.copyOf(saeStation);
    this.workload = List.copyOf(workload);
  }

  /** The topology of resource {@code chaos/<topology>.conf}, parsed (nothing written). */
  static Config resource(String topology) throws Exception {
    try (InputStream in = ChaosNetwork.class.getClassLoader().getResourceAsStream("chaos/" + topology + ".conf")) {
      if (in == null) {
        throw new IllegalArgumentException("no chaos topology chaos/" + topology + ".conf on the classpath");
      }
      return ConfigFactory.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Stations, links, SAEs and the workload's pairs of topology {@code chaos/<topology>.conf}. */
  static Schedule.Shape shape(String topology) throws Exception {
    Config c = resource(topology);
    List<String> ids = new ArrayList<>();
    for (Config s : c.getConfigList("qnode.topology.stations")) {
      ids.add(s.getString("id"));
    }
    List<Link> links = new ArrayList<>();
    for (Config l : c.getConfigList("qnode.topology.links")) {
      String a = l.getString("a");
      String b = l.getString("b");
      links.add(a.compareTo(b) < 0 ? new Link(a, b) : new Link(b, a));
    }
    Map<String, String> saeStation = new LinkedHashMap<>();
    for (Config s : c.getConfigList("qnode.topology.saes")) {
      saeStation.put(s.getString("id"), s.getString("station"));
    }
    Map<String, Integer> paths = new LinkedHashMap<>();
    if (c.hasPath("qnode.topology.sae-pairs")) {
      for (Config p : c.getConfigList("qnode.topology.sae-pairs")) {
        paths.put(p.getString("master") + ">" + p.getString("slave"), p.getInt("paths"));
      }
    }
    List<Pair> workload = new ArrayList<>();
    for (Config p : c.getConfigList("chaos.workload")) {
      String key = p.getString("master") + ">" + p.getString("slave");
      workload.add(new Pair(p.getString("master"), p.getString("slave"), paths.getOrDefault(key, 1)));
    }
    return new Schedule.Shape(ids, links, saeStation, workload);
  }

  /** Writes the station configuration (every station on loopback) and the PKI under {@code dir}. */
  static ChaosNetwork create(String topology, Path dir, String extraSettings) throws Exception {
    return create(topology, dir, extraSettings, null);
  }

  /**
   * As above; with a {@code lab}, each station on its own address in the lab (its process must be
   * started inside the lab, {@link NetLab#inside}).
   */
  static ChaosNetwork create(String topology, Path dir, String extraSettings, NetLab lab) throws Exception {
    Schedule.Shape shape = shape(topology);
    List<String> ids = shape.stations();
    // the station configuration: the topology only (the workload is the harness's business)
    String text;
    try (InputStream in = ChaosNetwork.class.getClassLoader().getResourceAsStream("chaos/" + topology + ".conf")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    text = text.substring(0, text.lastIndexOf("\nchaos.workload") + 1);
    int base = LocalNetwork.freeBasePort(ids.size());
    Files.createDirectories(dir);
    Path file = dir.resolve(topology + ".conf");
    StringBuilder endpoints = new StringBuilder();
    if (lab != null) {
      endpoints.append("# each station in a network namespace of its own (NetLab), on its own address\n")
          .append("qnode.network.endpoints {\n");
      for (String id : ids) {
        endpoints.append("  ").append(id).append(" { host = \"").append(lab.address(id)).append("\", cluster-port = ")
            .append(LAB_CLUSTER_PORT).append(", grpc-port = ").append(LAB_GRPC_PORT).append(", https-port = ")
            .append(LAB_HTTPS_PORT).append(", admin-port = ").append(LAB_ADMIN_PORT).append(" }\n");
      }
      endpoints.append("}\n");
    }
    Files.writeString(file, text + "\n# written by the chaos suite\nqnode.network.host = \"127.0.0.1\"\n"
        + "qnode.network.base-port = " + base + "\n" + endpoints + DEVICE_SETTINGS + extraSettings + "\n",
        StandardCharsets.UTF_8);
    Path pki = dir.resolve("pki");
    int rc = StationProcess.runCli(dir, Duration.ofSeconds(120), "certs", "--config", file.toString(), "--out",
        pki.toString());
    if (rc != 0) {
      throw new IllegalStateException("qnode certs exited " + rc + ": " + Files.readString(dir.resolve("cli.out")));
    }
    return new ChaosNetwork(topology, file, pki, base, ids, shape.links(), shape.saeStation(), shape.workload(),
        lab);
  }

  /** The lab the stations run in, or null (loopback). */
  NetLab lab() {
    return lab;
  }

  /** The address the station's servers bind to. */
  String host(String station) {
    index(station);
    return lab == null ? "127.0.0.1" : lab.address(station);
  }

  /** The station's LinkService (gRPC) port. */
  int grpcPort(String station) {
    return lab == null ? basePort + 10 * index(station) + 1 : LAB_GRPC_PORT;
  }

  String name() {
    return name;
  }

  Path config() {
    return config;
  }

  Path pki() {
    return pki;
  }

  List<String> stations() {
    return stations;
  }

  List<Link> links() {
    return links;
  }

  List<Pair> workload() {
    return workload;
  }

  String stationOf(String sae) {
    String s = saeStation.get(sae);
    if (s == null) {
      throw new IllegalArgumentException("no SAE " + sae + " in topology " + name);
    }
    return s;
  }

  Map<String, String> saeStations() {
    return saeStation;
  }

  private int index(String station) {
    int i = stations.indexOf(station);
    if (i < 0) {
      throw new IllegalArgumentException("no station " + station + " in topology " + name);
    }
    return i;
  }

  String etsi014Url(String station) {
    return "https://" + host(station) + ":" + (lab == null ? basePort + 10 * index(station) + 2 : LAB_HTTPS_PORT);
  }

  int adminPort(String station) {
    return lab == null ? basePort + 10 * index(station) + 3 : LAB_ADMIN_PORT;
  }

  Etsi014Client client(String sae, Duration timeout) throws Exception {
    SSLContext ctx = TlsContexts.mutualTls(
        Pem.readIdentity(pki.resolve("saes/" + sae + ".crt"), pki.resolve("saes/" + sae + ".key")),
        Pem.readCertificate(pki.resolve("ca.crt")));
    return new Etsi014Client(etsi014Url(stationOf(sae)), ctx, timeout);
  }

  X509Certificate ca() throws Exception {
    return Pem.readCertificate(pki.resolve("ca.crt"));
  }
}
