package org.qkdnet.qnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.PeerIdentity;
import org.qkdnet.qnode.crypto.Role;
import picocli.CommandLine;

class CertsCommandTest {
  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new CertsCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private Path conf(String hocon) throws Exception {
    Path f = tmp.resolve("topology.conf");
    Files.writeString(f, hocon);
    return f;
  }

  @Test
  void execute_topologyFile_writesAllCertificatesAndSummary() throws Exception {
    Path f = conf("""
        qnode.topology {
          stations = [{ id = WUH }, { id = XGN, name = "Xiaogan" }]
          saes = [{ id = WUH-BANK, station = WUH }]
          operators = [admin, alice]
        }
        """);
    Path pki = tmp.resolve("pki");

    int code = run("--config", f.toString(), "--out", pki.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString().trim()).isEqualTo("wrote development PKI to " + pki
        + ": 1 CA, 2 station(s), 1 SAE(s), 2 operator(s)");
    assertThat(out.toString()).doesNotContain("PRIVATE");
    assertThat(pki.resolve("ca.crt")).exists();
    assertThat(pki.resolve("ca.key")).exists();
    assertThat(pki.resolve("stations/XGN.key")).exists();
    assertThat(pki.resolve("operators/alice.crt")).exists();
    assertThat(PeerIdentity.of(Pem.readCertificate(pki.resolve("saes/WUH-BANK.crt"))))
        .contains(new PeerIdentity(Role.SAE, "WUH-BANK"));
  }

  @Test
  void stationCertificates_nameTheHostsOfTheirEndpoints_soHostNameVerificationPasses() throws Exception {
    Path f = conf("""
        qnode.topology {
          stations = [{ id = WUH }, { id = XGN }, { id = JZH }]
        }
        qnode.network.endpoints {
          WUH { host = "10.0.0.1", cluster-port = 27000, grpc-port = 27001, https-port = 27002 }
          XGN { host = "xgn.qkd.example", cluster-port = 27000, grpc-port = 27001, https-port = 27002 }
        }
        """);
    Path pki = tmp.resolve("pki");
    assertThat(run("--config", f.toString(), "--out", pki.toString())).as(err.toString()).isZero();
    java.util.function.Function<String, java.util.List<String>> sans = id -> {
      try {
        return Pem.readCertificate(pki.resolve("stations/" + id + ".crt")).getSubjectAlternativeNames().stream()
            .map(n -> String.valueOf(n.get(1))).toList();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    assertThat(sans.apply("WUH")).containsExactly("localhost", "127.0.0.1", "10.0.0.1");
    assertThat(sans.apply("XGN")).containsExactly("localhost", "127.0.0.1", "xgn.qkd.example");
    assertThat(sans.apply("JZH")).containsExactly("localhost", "127.0.0.1");
  }

  @Test
  void execute_noOperatorsOrSaes_defaultsToAdmin() throws Exception {
    Path f = conf("qnode.topology.stations = [{ id = WUH }]");
    Path pki = tmp.resolve("pki");

    assertThat(run("--config", f.toString(), "--out", pki.toString())).isZero();
    assertThat(pki.resolve("operators/admin.crt")).exists();
    assertThat(out.toString()).contains("0 SAE(s), 1 operator(s)");
  }

  @Test
  void execute_invalidId_exits2AndWritesNothing() throws Exception {
    Path f = conf("qnode.topology.stations = [{ id = \"WUH/../x\" }]");
    Path pki = tmp.resolve("pki");

    assertThat(run("--config", f.toString(), "--out", pki.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("invalid station id 'WUH/../x'");
    assertThat(pki).doesNotExist();
  }

  @Test
  void execute_missingStations_exits2NamingKey() throws Exception {
    Path f = conf("qnode.topology.saes = []");

    assertThat(run("--config", f.toString(), "--out", tmp.resolve("pki").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("qnode.topology.stations");
  }

  @Test
  void execute_missingConfigFile_exits2() {
    String missing = tmp.resolve("nope.conf").toString();

    assertThat(run("--config", missing, "--out", tmp.resolve("pki").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("config file not found: " + missing);
  }

  @Test
  void execute_unknownPackagedName_exits2() {
    assertThat(run("--config", "no-such-net", "--out", tmp.resolve("pki").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("classpath:no-such-net/topology.conf");
  }

  @Test
  void execute_malformedHocon_exits2() throws Exception {
    Path f = conf("qnode.topology.stations = [{ id = ");

    assertThat(run("--config", f.toString(), "--out", tmp.resolve("pki").toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("certs: ").contains("topology.conf");
  }

  @Test
  void execute_withoutOut_isUsageError() throws Exception {
    Path f = conf("qnode.topology.stations = [{ id = WUH }]");

    assertThat(run("--config", f.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--out");
  }
}
