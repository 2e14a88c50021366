package org.qkdnet.qnode.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A network of the test's own for station processes: one Linux network namespace per station
 * ("host"), each joined by a veth pair to a router namespace that forwards between them, and one
 * veth from the test's own namespace to the router so that the test's clients reach every station.
 * Faults are nftables rules in the router's forward chain, so they cut real TCP traffic between
 * real processes: {@link #cut} a station or a group off from the others, {@link #cutPort} one
 * service between two stations (a LinkService link blackholed while the cluster still sees both).
 *
 * <p>Needs root, iproute2 and nftables ({@code .ci/run} installs them); {@link #unavailable()}
 * says why not otherwise. Everything it creates is its own and goes away in {@link #close()}:
 * the namespaces, their veths, and the one route to its subnet in the test's namespace.
 */
final class NetLab implements AutoCloseable {
  private static final String TABLE = "qchaos";
  private static final List<Integer> SUBNETS = List.of(213, 214, 215, 216);

  private final String tag;
  private final int net;
  private final Map<String, Integer> index = new LinkedHashMap<>();
  private final List<String> namespaces = new ArrayList<>();

  private NetLab(String tag, int net) {
    this.tag = tag;
    this.net = net;
  }

  /** Why the lab cannot be built here (not root, a tool missing, namespaces refused), or empty. */
  static Optional<String> unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("network namespaces need root (running as " + System.getProperty("user.name") + ")");
    }
    for (String tool : List.of("ip", "nft")) {
      if (!onPath(tool)) {
        return Optional.of("'" + tool + "' is not installed (Debian: iproute2, nftables; .ci/run installs them)");
      }
    }
    String probe = "qcprobe" + ProcessHandle.current().pid();
    try {
      Result r = run(List.of("ip", "netns", "add", probe));
      if (r.code() != 0) {
        return Optional.of("cannot create a network namespace: " + r.output().strip());
      }
      run(List.of("ip", "netns", "del", probe));
    } catch (IOException e) {
      return Optional.of("cannot run ip: " + e.getMessage());
    }
    return Optional.empty();
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
  }

  /**
   * Builds the lab for {@code stations} (at most 200). {@code tag}: up to 6 letters or digits,
   * unique among labs alive at once (it names the namespaces and interfaces).
   */
  static NetLab create(String tag, List<String> stations) throws IOException {
    if (!tag.matches("[a-z0-9]{1,6}")) {
      throw new IllegalArgumentException("tag must be 1-6 lower-case letters or digits: " + tag);
    }
    if (stations.isEmpty() || stations.size() > 200) {
      throw new IllegalArgumentException("1..200 stations, got " + stations.size());
    }
    String routes = run(List.of("ip", "-4", "route", "show")).output();
    Integer free = null;
    for (int n : SUBNETS) {
      if (!routes.contains("10." + n + ".")) {
        free = n;
        break;
      }
    }
    if (free == null) {
      throw new IOException("no free 10.x.0.0/16 subnet among " + SUBNETS + " for the lab");
    }
    NetLab lab = new NetLab(tag, free);
    try {
      lab.build(stations);
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  private String router() {
    return "qc" + tag + "r";
  }

  private String ns(String station) {
    return "qc" + tag + "s" + index.get(station);
  }

  private void build(List<String> stations) throws IOException {
    must("ip", "netns", "add", router());
    namespaces.add(router());
    must("ip", "netns", "exec", router(), "ip", "link", "set", "lo", "up");
    must("ip", "netns", "exec", router(), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    for (int i = 0; i < stations.size(); i++) {
      String id = stations.get(i);
      index.put(id, i + 1);
      String n = ns(id);
      must("ip", "netns", "add", n);
      namespaces.add(n);
      String r = "qc" + tag + "a" + (i + 1);
      String s = "qc" + tag + "b" + (i + 1);
      must("ip", "link", "add", r, "type", "veth", "peer", "name", s);
      must("ip", "link", "set", r, "netns", router());
      must("ip", "link", "set", s, "netns", n);
      must("ip", "netns", "exec", router(), "ip", "addr", "add", "10." + net + "." + (i + 1) + ".1/24", "dev", r);
      must("ip", "netns", "exec", router(), "ip", "link", "set", r, "up");
      must("ip", "netns", "exec", n, "ip", "link", "set", "lo", "up");
      must("ip", "netns", "exec", n, "ip", "addr", "add", address(id) + "/24", "dev", s);
      must("ip", "netns", "exec", n, "ip", "link", "set", s, "up");
      must("ip", "netns", "exec", n, "ip", "route", "add", "default", "via", "10." + net + "." + (i + 1) + ".1");
    }
    // the test's own namespace reaches the stations through the router (its clients, its probes)
    String h = "qc" + tag + "h";
    must("ip", "link", "add", h, "type", "veth", "peer", "name", "qc" + tag + "hr");
    must("ip", "link", "set", "qc" + tag + "hr", "netns", router());
    must("ip", "netns", "exec", router(), "ip", "addr", "add", "10." + net + ".250.1/24", "dev", "qc" + tag + "hr");
    must("ip", "netns", "exec", router(), "ip", "link", "set", "qc" + tag + "hr", "up");
    must("ip", "addr", "add", "10." + net + ".250.2/24", "dev", h);
    must("ip", "link", "set", h, "up");
    must("ip", "route", "add", "10." + net + ".0.0/16", "via", "10." + net + ".250.1", "dev", h);
    nft("add table inet " + TABLE);
    nft("add chain inet " + TABLE + " forward { type filter hook forward priority 0 ; policy accept ; }");
  }

  /** The station's address in the lab (its servers bind there). */
  String address(String station) {
    Integer i = index.get(station);
    if (i == null) {
      throw new IllegalArgumentException("no station " + station + " in the lab");
    }
    return "10." + net + "." + i + ".2";
  }

  private String subnet(String station) {
    return "10." + net + "." + index.get(station) + ".0/24";
  }

  /** {@code command} to run inside the station's namespace ({@code ip netns exec} replaces itself with it). */
  List<String> inside(String station, List<String> command) {
    List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", ns(station)));
    out.addAll(command);
    return out;
  }

  /** Cuts {@code group} off from every other station (both ways); the test still reaches all. */
  void cut(Set<String> group) throws IOException {
    for (String x : group) {
      for (String y : index.keySet()) {
        if (!group.contains(y)) {
          nft("add rule inet " + TABLE + " forward ip saddr " + subnet(x) + " ip daddr " + subnet(y) + " drop");
          nft("add rule inet " + TABLE + " forward ip saddr " + subnet(y) + " ip daddr " + subnet(x) + " drop");
        }
      }
    }
  }

  /**
   * Blackholes TCP between {@code a} and {@code b} to and from {@code port} (a service both
   * stations serve on that port, e.g. LinkService); everything else between them still flows.
   */
  void cutPort(String a, String b, int port) throws IOException {
    for (String[] p : new String[][] {{a, b}, {b, a}}) {
      nft("add rule inet " + TABLE + " forward ip saddr " + subnet(p[0]) + " ip daddr " + subnet(p[1])
          + " tcp dport " + port + " drop");
      nft("add rule inet " + TABLE + " forward ip saddr " + subnet(p[0]) + " ip daddr " + subnet(p[1])
          + " tcp sport " + port + " drop");
    }
  }

  /** Removes every cut. */
  void healAll() throws IOException {
    nft("flush chain inet " + TABLE + " forward");
  }

  /** The rules in force (for reports). */
  String rules() throws IOException {
    return run(List.of("ip", "netns", "exec", router(), "nft", "list", "chain", "inet", TABLE, "forward")).output();
  }

  private void nft(String rule) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", router(), "nft"));
    cmd.addAll(List.of(rule.split(" ")));
    Result r = run(cmd);
    if (r.code() != 0) {
      throw new IOException("nft " + rule + ": " + r.output().strip());
    }
  }

  @Override
  public void close() {
    // deleting a namespace deletes the veths in it and their peers, and with them the route
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      try {
        run(List.of("ip", "netns", "del", namespaces.get(i)));
      } catch (IOException e) {
        // best effort: the next lab picks another tag or subnet
      }
    }
    namespaces.clear();
    try {
      run(List.of("ip", "link", "del", "qc" + tag + "h"));
    } catch (IOException e) {
      // already gone with the router
    }
  }

  record Result(int code, String output) {}

  private static void must(String... cmd) throws IOException {
    Result r = run(List.of(cmd));
    if (r.code() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed (" + r.code() + "): " + r.output().strip());
    }
  }

  static Result run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish in 20 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
