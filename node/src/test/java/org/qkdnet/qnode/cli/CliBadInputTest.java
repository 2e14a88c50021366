package org.qkdnet.qnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.Main;

/** Bad command lines get exit code 2 and a message that names the problem; nothing starts. */
class CliBadInputTest {
  @TempDir Path dir;

  private record Result(int code, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      var cl = Main.commandLine();
      cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
      return new Result(cl.execute(args), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  @Test
  void demo_zeroKeys_exit2NamingTheOption() {
    Result r = run("demo", "--keys", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--keys");
  }

  @Test
  void demo_keySizeNotMultipleOf8_exit2() {
    Result r = run("demo", "--key-size", "100");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--key-size");
  }

  @Test
  void demo_unknownStation_exit2() {
    Result r = run("demo", "--topology", "local", "--to", "NOWHERE");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("NOWHERE");
  }

  @Test
  void benchRelay_negativeWarmupSeconds_exit2NamingTheOption() {
    Result r = run("bench", "relay", "--warmup-seconds", "-1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--warmup-seconds").contains("-1");
  }

  @Test
  void benchRelay_unknownDevice_exit2NamingTheOptionAndKinds() {
    Result r = run("bench", "relay", "--device", "laser");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--device").contains("laser").contains("bb84-sim").contains("finished-key-sim");
  }

  @Test
  void demo_pathsThree_exit2NamingTheOption() {
    Result r = run("demo", "--topology", "local", "--paths", "3");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--paths").contains("3").contains("1..2");
  }

  @Test
  void demo_pathsZero_exit2NamingTheOption() {
    Result r = run("demo", "--topology", "local", "--paths", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--paths");
  }

  @Test
  void demo_pathsNotANumber_exit2NamingTheOption() {
    Result r = run("demo", "--topology", "local", "--paths", "two");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--paths");
  }

  @Test
  void demo_twoPathsWithoutDisjointRoutes_exit2BeforeAnyStationStarts() throws Exception {
    Path conf = dir.resolve("line.conf");
    Files.writeString(conf, """
        qnode.topology {
          name = line
          stations = [
            { id = ALP, name = "ALPHA", role = backbone, lat = 30.60, lon = 114.20 }
            { id = BRA, name = "BRAVO", role = relay, lat = 30.60, lon = 114.50 }
            { id = CHA, name = "CHARLIE", role = backbone, lat = 30.35, lon = 114.50 }
          ]
          links = [
            { a = ALP, b = BRA, km = 25 }
            { a = BRA, b = CHA, km = 35 }
          ]
          saes = [
            { id = "ALP-APP1", station = ALP }
            { id = "CHA-APP1", station = CHA }
          ]
        }
        """);
    Path work = dir.resolve("never-created");
    Result r = run("demo", "--topology", conf.toString(), "--paths", "2", "--work-dir", work.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--paths").contains("node-disjoint").contains("ALP").contains("CHA");
    assertThat(work).doesNotExist();
  }

  @Test
  void benchRelay_pathsThree_exit2NamingTheOption() {
    Result r = run("bench", "relay", "--topology", "local", "--paths", "3");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--paths").contains("1..2");
  }

  @Test
  void benchRelay_pathsZero_exit2NamingTheOption() {
    Result r = run("bench", "relay", "--topology", "local", "--paths", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--paths");
  }

  @Test
  void demo_unknownTopology_exit2() {
    Result r = run("demo", "--topology", "atlantis");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("atlantis");
  }

  @Test
  void run_withoutTlsDir_exit2NamingTheKey() {
    Result r = run("run", "--config", "local", "--station", "ALP", "--data-dir", dir.resolve("d").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("qnode.tls-dir");
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void run_unknownStation_exit2NamingTheKey() {
    Result r = run("run", "--config", "local", "--station", "XYZ", "--tls-dir", dir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("qnode.station-id").contains("XYZ");
  }

  @Test
  void run_badSettingInFile_exit2NamingTheKey() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "include classpath(\"local/topology.conf\")\nqnode.device.speedup = -3\n");
    Result r = run("run", "--config", conf.toString(), "--station", "ALP", "--tls-dir", dir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("qnode.device.speedup");
  }

  @Test
  void run_badPerLinkBb84Setting_exit2NamingTheLinksKey_nothingCreated() throws Exception {
    Path conf = dir.resolve("bad-link.conf");
    Files.writeString(conf, """
        include classpath("local/topology.conf")
        qnode.topology.links = [
          { a = ALP, b = BRA, km = 25, bb84 { detector-efficiency = 1.5 } }
          { a = BRA, b = CHA, km = 35 }
          { a = CHA, b = DEL, km = 30 }
          { a = DEL, b = ALP, km = 40 }
        ]
        """);
    Path data = dir.resolve("never-created");
    Result r = run("run", "--config", conf.toString(), "--station", "ALP", "--tls-dir", dir.toString(),
        "--data-dir", data.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("qnode.topology.links[0].bb84.detector-efficiency");
    assertThat(data).doesNotExist();
  }

  @Test
  void run_missingStationOption_exit2WithUsage() {
    Result r = run("run", "--config", "local");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--station");
  }

  @Test
  void run_typoInASettingOfTheConfigFile_exit2NamingTheKeyAndTheNearestKnownOne() throws Exception {
    Path conf = dir.resolve("typo.conf");
    Files.writeString(conf, "include classpath(\"local/topology.conf\")\nqnode.relay.hop-timout = 5s\n");
    Result r = run("run", "--config", conf.toString(), "--station", "ALP", "--tls-dir", dir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("qnode.relay.hop-timout").contains("unknown setting")
        .contains("did you mean qnode.relay.hop-timeout");
  }

  @Test
  void run_failureWhileStarting_exit1WithTheReasonOnOneLine() throws Exception {
    Path pki = dir.resolve("pki");
    assertThat(run("certs", "--config", "local", "--out", pki.toString()).code()).isZero();
    Files.delete(pki.resolve("stations/ALP.kek"));
    Result r = run("run", "--config", "local", "--station", "ALP", "--tls-dir", pki.toString(),
        "--data-dir", dir.resolve("data").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("qnode run: ").contains("ALP.kek").contains("not found");
    assertThat(Files.exists(dir.resolve("data"))).as("nothing started, nothing written").isFalse();
  }
}
