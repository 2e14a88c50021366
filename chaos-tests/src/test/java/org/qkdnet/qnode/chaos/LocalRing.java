package org.qkdnet.qnode.chaos;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.sae.Etsi014Client;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.TlsContexts;

/**
 * The built-in topology {@code local} (the ring ALP, BRA, CHA, DEL) prepared for station
 * processes: a configuration file on ports of its own with a test's extra settings, the dev PKI
 * from {@code qnode certs}, and the ETSI 014 clients of its SAEs.
 */
final class LocalRing {
  static final List<String> IDS = List.of("ALP", "BRA", "CHA", "DEL");

  private final Path config;
  private final Path pki;
  private final int basePort;

  private LocalRing(Path config, Path pki, int basePort) {
    this.config = config;
    this.pki = pki;
    this.basePort = basePort;
  }

  /**
   * Writes {@code local} verbatim plus a free base port and {@code extraSettings} (HOCON lines) to
   * {@code dir/fileName}, and the dev PKI to {@code dir/pki}.
   *
   * @param writtenBy named in a comment of the file
   */
  static LocalRing create(Path dir, String fileName, String writtenBy, String extraSettings) throws Exception {
    String local;
    try (InputStream in = LocalRing.class.getClassLoader().getResourceAsStream("local/topology.conf")) {
      if (in == null) {
        throw new IllegalStateException("local/topology.conf is not on the classpath");
      }
      local = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int base = LocalNetwork.freeBasePort(IDS.size());
    Path file = dir.resolve(fileName);
    Files.writeString(file, local + "\n# written by " + writtenBy + "\n"
        + "qnode.network.base-port = " + base + "\n" + extraSettings, StandardCharsets.UTF_8);
    Path pki = dir.resolve("pki");
    int rc = StationProcess.runCli(dir, Duration.ofSeconds(120), "certs", "--config", file.toString(),
        "--out", pki.toString());
    if (rc != 0) {
      throw new IllegalStateException("qnode certs exited " + rc);
    }
    return new LocalRing(file, pki, base);
  }

  Path config() {
    return config;
  }

  Path pki() {
    return pki;
  }

  String etsi014Url(String station) {
    int i = IDS.indexOf(station);
    if (i < 0) {
      throw new IllegalArgumentException("no station " + station + " in the local ring");
    }
    return "https://127.0.0.1:" + (basePort + 10 * i + 2);
  }

  SSLContext sae(String id) throws Exception {
    return TlsContexts.mutualTls(
        Pem.readIdentity(pki.resolve("saes/" + id + ".crt"), pki.resolve("saes/" + id + ".key")),
        Pem.readCertificate(pki.resolve("ca.crt")));
  }

  /**
   * The value of every series named {@code name} on {@code station}'s {@code GET /metrics} (plain
   * HTTP on loopback, base port + 10 × index + 4) whose labels include {@code label="value"}.
   */
  List<Double> metric(String station, String name, String label, String value) throws Exception {
    int i = IDS.indexOf(station);
    if (i < 0) {
      throw new IllegalArgumentException("no station " + station + " in the local ring");
    }
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5)).build();
    java.net.http.HttpResponse<String> page = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + (basePort + 10 * i + 4) + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    if (page.statusCode() != 200) {
      throw new IllegalStateException(station + " /metrics answered " + page.statusCode());
    }
    String labelText = label + "=\"" + value + "\"";
    return page.body().lines()
        .filter(l -> l.startsWith(name + "{") && l.substring(0, l.indexOf('}') + 1).contains(labelText))
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .toList();
  }

  /**
   * {@code qnode admin --target <station's admin API> --tls-dir <pki> args}, as an operator runs it
   * (its own process, base port + 10 × index + 3, bounded: 60 s); its output. Fails with the
   * output when it exits non-zero.
   */
  String admin(String station, String... args) throws Exception {
    int i = IDS.indexOf(station);
    if (i < 0) {
      throw new IllegalArgumentException("no station " + station + " in the local ring");
    }
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(StationProcess.java(), "-Xmx128m",
        "-jar", StationProcess.jar().toString(), "admin", "--target", "127.0.0.1:" + (basePort + 10 * i + 3),
        "--tls-dir", pki.toString()));
    cmd.addAll(java.util.List.of(args));
    Path out = Files.createTempFile(pki.getParent(), "admin-", ".out");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("qnode admin " + String.join(" ", args) + " did not finish in 60 s");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("qnode admin " + String.join(" ", args) + " exited " + p.exitValue() + ": "
            + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** An ETSI 014 client of SAE {@code sae} at its station's endpoint. */
  Etsi014Client client(String station, String sae, Duration timeout) throws Exception {
    return new Etsi014Client(etsi014Url(station), sae(sae), timeout);
  }
}
