package org.qkdnet.qnode.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static ConfigException failure(String arg) {
    try {
      ConfigLoader.load(arg);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void load_builtInName_readsPackagedTopologyOverReferenceAndPekkoDefaults() {
    Config c = ConfigLoader.load("local");

    assertThat(c.getString("qnode.topology.name")).isEqualTo("local");
    assertThat(c.getInt("qnode.network.base-port")).isEqualTo(27000);
    // Pekko's own reference.conf must be underneath, so the lead can build an ActorSystem from it.
    assertThat(c.hasPath("pekko.actor.provider")).isTrue();
  }

  @Test
  void load_file_resolvesIncludesRelativeToTheFile(@TempDir Path dir) throws IOException {
    Path sub = Files.createDirectories(dir.resolve("site"));
    Files.writeString(sub.resolve("ports.conf"), "qnode.network.base-port = 31000\n");
    Files.writeString(sub.resolve("main.conf"), """
        include "ports.conf"
        qnode.station-id = B
        qnode.topology {
          name = filetest
          stations = [
            { id = A, name = a, role = backbone, lat = 1, lon = 1 }
            { id = B, name = b, role = backbone, lat = 1, lon = 2 }
          ]
          links = [ { a = A, b = B, km = 10 } ]
          saes = [ { id = A1, station = A } ]
        }
        """);

    QnodeSettings s = QnodeSettings.create(ConfigLoader.load(sub.resolve("main.conf").toString()));

    assertThat(s.topology().name()).isEqualTo("filetest");
    assertThat(s.ownEndpoint().clusterPort()).isEqualTo(31010);
    assertThat(s.etsi014().defaultKeySize()).isEqualTo(256);
  }

  @Test
  void load_missingFile_namesThePath(@TempDir Path dir) {
    String path = dir.resolve("nope.conf").toString();
    ConfigException e = failure(path);
    assertThat(e.keyPath()).isEqualTo(path);
    assertThat(e.problem()).contains("no such file");
  }

  @Test
  void load_unknownBareName_listsBuiltIns() {
    ConfigException e = failure("mars");
    assertThat(e.keyPath()).isEqualTo("mars");
    assertThat(e.problem()).contains("hubei").contains("local");
  }

  @Test
  void load_syntaxError_namesTheFile(@TempDir Path dir) throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.conf"), "qnode { station-id = \n");
    ConfigException e = failure(bad.toString());
    assertThat(e.keyPath()).isEqualTo(bad.toString());
  }

  @Test
  void load_directory_isRejected(@TempDir Path dir) {
    ConfigException e = failure(dir.toString());
    assertThat(e.problem()).contains("not a regular file");
  }

  @Test
  void load_blank_namesTheOption() {
    assertThat(failure(" ").keyPath()).isEqualTo("--config");
  }

  @Test
  void load_local_isAValidRing() {
    QnodeSettings s = QnodeSettings.create(ConfigLoader.load("local"));
    TopologySpec t = s.topology();

    assertThat(t.stations()).extracting(StationSpec::id).containsExactly("ALP", "BRA", "CHA", "DEL");
    for (StationSpec st : t.stations()) {
      assertThat(t.neighbors(st.id())).hasSize(2);
      assertThat(t.saesOf(st.id())).isNotEmpty();
    }
    assertThat(t.saesOf("ALP")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(t.saesOf("CHA")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(t.links()).allSatisfy(l -> assertThat(l.km()).isBetween(20.0, 40.0));
    assertThat(t.linkBetween("DEL", "ALP")).isPresent();
  }
}
