package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite's network lab on this machine: real namespaces, real TCP between processes in
 * them, and cuts that really stop it (a station cut off, one port between two stations
 * blackholed), healed again; nothing left behind.
 */
class NetLabTest {
  private static final int PORT = 7101;
  private static final int OTHER = 7102;

  @TempDir Path dir;

  private Path probe() throws Exception {
    Path p = dir.resolve("NetProbe.java");
    try (InputStream in = NetLabTest.class.getClassLoader().getResourceAsStream("chaos/NetProbe.java")) {
      Files.write(p, in.readAllBytes());
    }
    return p;
  }

  private static boolean connects(NetLab lab, Path probe, String from, String host, int port) throws Exception {
    List<String> cmd = lab.inside(from, List.of(StationProcess.java(), probe.toString(), "connect", host,
        String.valueOf(port)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }

  private static boolean fromHere(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(2000);
      s.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      return "ping".equals(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
          .readLine());
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void stationsTalkThroughTheRouter_cutsStopIt_healRestores_closeLeavesNothing() throws Exception {
    Assumptions.assumeTrue(NetLab.unavailable().isEmpty(),
        () -> "no network lab on this machine: " + NetLab.unavailable().orElse(""));
    Path probe = probe();
    String tag = "t" + (ProcessHandle.current().pid() % 100_000);
    List<Process> servers = new ArrayList<>();
    try (NetLab lab = NetLab.create(tag, List.of("S1", "S2", "S3"))) {
      for (String s : List.of("S1", "S3")) {
        Process p = new ProcessBuilder(lab.inside(s, List.of(StationProcess.java(), probe.toString(), "serve",
            lab.address(s), String.valueOf(PORT), String.valueOf(OTHER)))).redirectErrorStream(true).start();
        servers.add(p);
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
        assertThat(first).as("probe server in %s", s).isEqualTo("READY");
      }
      String s1 = lab.address("S1");
      String s3 = lab.address("S3");
      assertThat(connects(lab, probe, "S2", s1, PORT)).as("S2 -> S1").isTrue();
      assertThat(fromHere(s1, PORT)).as("test -> S1").isTrue();

      lab.cut(Set.of("S1"));
      assertThat(connects(lab, probe, "S2", s1, PORT)).as("S2 -> S1 while S1 is cut off").isFalse();
      assertThat(connects(lab, probe, "S2", s3, PORT)).as("S2 -> S3 while S1 is cut off").isTrue();
      assertThat(fromHere(s1, PORT)).as("the test still reaches S1").isTrue();

      lab.healAll();
      assertThat(connects(lab, probe, "S2", s1, PORT)).as("S2 -> S1 healed").isTrue();

      lab.cutPort("S2", "S1", PORT);
      assertThat(connects(lab, probe, "S2", s1, PORT)).as("S2 -> S1 on the cut port").isFalse();
      assertThat(connects(lab, probe, "S2", s1, OTHER)).as("S2 -> S1 on another port").isTrue();
      assertThat(connects(lab, probe, "S2", s3, PORT)).as("S2 -> S3 on that port").isTrue();
      assertThat(lab.rules()).contains("tcp dport " + PORT + " drop");
      lab.healAll();
      assertThat(connects(lab, probe, "S2", s1, PORT)).as("S2 -> S1 after the port is healed").isTrue();
    } finally {
      servers.forEach(Process::destroyForcibly);
    }
    String left = NetLab.run(List.of("ip", "netns", "list")).output();
    assertThat(left).doesNotContain("qc" + tag);
    assertThat(NetLab.run(List.of("ip", "link", "show")).output()).doesNotContain("qc" + tag);
  }
}
