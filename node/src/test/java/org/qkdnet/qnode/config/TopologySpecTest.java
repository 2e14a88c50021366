package org.qkdnet.qnode.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qkdnet.qnode.config.TestConfigs.topology;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologySpecTest {

  private static ConfigException failure(Runnable r) {
    try {
      r.run();
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void fromConfig_validFixture_readsEverything() {
    TopologySpec t = TopologySpec.fromConfig(TestConfigs.valid());

    assertThat(t.name()).isEqualTo("test");
    assertThat(t.stations()).extracting(StationSpec::id).containsExactly("A", "B", "C");
    assertThat(t.station("B")).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo(Role.RELAY));
    assertThat(t.neighbors("B")).containsExactly("A", "C");
    assertThat(t.linkBetween("C", "B")).hasValueSatisfying(l -> assertThat(l.km()).isEqualTo(60.0));
    assertThat(t.linkBetween("A", "C")).isEmpty();
    assertThat(t.totalKm()).isEqualTo(100.0);
    assertThat(t.saesOf("A")).extracting(SaeSpec::id).containsExactly("A-APP");
    assertThat(t.sae("C-APP")).hasValueSatisfying(s -> assertThat(s.stationId()).isEqualTo("C"));
    assertThat(t.sae("nope")).isEmpty();
    assertThat(t.operators()).containsExactly("admin");
    assertThat(t.indexOf("C")).isEqualTo(2);
    assertThat(t.toGraph().stations()).containsExactly("A", "B", "C");
  }

  @Test
  void fromConfig_noTopology_namesTopologyKey() {
    ConfigException e = failure(() -> TopologySpec.fromConfig(ConfigFactory.empty()));
    assertThat(e.keyPath()).isEqualTo("qnode.topology");
  }

  @Test
  void fromConfig_linkTooLong_namesKmKeyAndLimit() {
    String links = "links = [ { a = A, b = B, km = 40 }, { a = B, b = C, km = 140 } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(null, links, null)));
    assertThat(e).hasMessage("qnode.topology.links[1].km: 140 km exceeds the 100 km limit of one QKD link");
  }

  @Test
  void fromConfig_zeroKm_namesKmKey() {
    String links = "links = [ { a = A, b = B, km = 0 } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(null, links, null)));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.links[0].km");
    assertThat(e.problem()).contains("positive");
  }

  @Test
  void fromConfig_kmNotANumber_namesKmKey() {
    String links = "links = [ { a = A, b = B, km = far } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(null, links, null)));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.links[0].km");
  }

  @Test
  void fromConfig_missingKm_namesKmKey() {
    String links = "links = [ { a = A, b = B } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(null, links, null)));
    assertThat(e).hasMessage("qnode.topology.links[0].km: missing");
  }

  @Test
  void fromConfig_linkToUnknownStation_namesEndKey() {
    String links = "links = [ { a = A, b = B, km = 10 }, { a = B, b = Z, km = 10 } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(null, links, null)));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.links[1].b");
    assertThat(e.problem()).contains("unknown station 'Z'");
  }

  @Test
  void fromConfig_selfLink_namesLink() {
    String links = "links = [ { a = B, b = B, km = 10 } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(null, links, null)));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.links[0]");
    assertThat(e.problem()).contains("itself");
  }

  @Test
  void fromConfig_duplicateLinkReversed_namesSecondLink() {
    String links = "links = [ { a = A, b = B, km = 10 }, { a = B, b = C, km = 10 }, { a = B, b = A, km = 12 } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(null, links, null)));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.links[2]");
    assertThat(e.problem()).contains("duplicate link").contains("links[0]");
  }

  @Test
  void fromConfig_duplicateStationId_namesSecondId() {
    String stations = """
        stations = [
          { id = A, name = "a", role = relay, lat = 0, lon = 0 }
          { id = B, name = "b", role = relay, lat = 0, lon = 0 }
          { id = C, name = "c", role = relay, lat = 0, lon = 0 }
          { id = A, name = "a2", role = relay, lat = 0, lon = 0 }
        ]""";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(stations, null, null)));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.stations[3].id");
    assertThat(e.problem()).contains("duplicate station id 'A'");
  }

  @Test
  void fromConfig_invalidStationId_namesIdKey() {
    String stations = "stations = [ { id = \"W H\", name = w, role = relay, lat = 0, lon = 0 } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(stations, "links = []", "saes = []")));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.stations[0].id");
    assertThat(e.problem()).contains("not a valid id");
  }

  @Test
  void fromConfig_idLongerThan64_isRejected() {
    String id = "X".repeat(65);
    String stations = "stations = [ { id = " + id + ", name = w, role = relay, lat = 0, lon = 0 } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(stations, "links = []", "saes = []")));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.stations[0].id");
  }

  @Test
  void fromConfig_unknownRole_namesRoleKey() {
    String stations = "stations = [ { id = W, name = w, role = hub, lat = 0, lon = 0 } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(stations, "links = []", "saes = []")));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.stations[0].role");
  }

  @Test
  void fromConfig_latitudeOutOfRange_namesLatKey() {
    String stations = "stations = [ { id = W, name = w, role = relay, lat = 91, lon = 0 } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(stations, "links = []", "saes = []")));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.stations[0].lat");
  }

  @Test
  void fromConfig_longitudeOutOfRange_namesLonKey() {
    String stations = "stations = [ { id = W, name = w, role = relay, lat = 0, lon = -180.5 } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(stations, "links = []", "saes = []")));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.stations[0].lon");
  }

  @Test
  void fromConfig_noStations_namesStationsKey() {
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology("stations = []", "links = []", "saes = []")));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.stations");
  }

  @Test
  void fromConfig_saeAtUnknownStation_namesStationKey() {
    String saes = "saes = [ { id = X1, station = A }, { id = X2, station = Q } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(null, null, saes)));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.saes[1].station");
    assertThat(e.problem()).contains("'Q'");
  }

  @Test
  void fromConfig_duplicateSaeId_namesIdKey() {
    String saes = "saes = [ { id = X1, station = A }, { id = X1, station = C } ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(null, null, saes)));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.saes[1].id");
  }

  @Test
  void fromConfig_invalidOperator_namesOperatorKey() {
    String saes = "saes = [], operators = [ admin, \"bad/op\" ]";
    ConfigException e = failure(() -> TopologySpec.fromConfig(topology(null, null, saes)));
    assertThat(e.keyPath()).isEqualTo("qnode.topology.operators[1]");
  }

  @Test
  void constructor_builtInCode_validatesToo() {
    List<StationSpec> stations = List.of(new StationSpec("A", "a", Role.RELAY, 0, 0));
    assertThatThrownBy(() -> new TopologySpec("t", "", stations, List.of(new LinkSpec("A", "A", 5)), List.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("qnode.topology.links[0]:");
  }

  @Test
  void lists_areImmutable() {
    TopologySpec t = TopologySpec.fromConfig(TestConfigs.valid());
    assertThatThrownBy(() -> t.stations().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void saePairs_valid_pathsForThePairOnly() {
    TopologySpec t = TopologySpec.fromConfig(TestConfigs.validWith(
        "qnode.topology.sae-pairs = [{ master = A-APP, slave = C-APP, paths = 2 }]"));
    assertThat(t.pathsFor("A-APP", "C-APP")).contains(2);
    assertThat(t.pathsFor("C-APP", "A-APP")).isEmpty();
  }

  @Test
  void saePairs_unknownSaeOrBadPathsOrTwice_namesKey() {
    assertThat(failure(() -> TopologySpec.fromConfig(TestConfigs.validWith(
        "qnode.topology.sae-pairs = [{ master = X-APP, slave = C-APP, paths = 2 }]"))).keyPath())
        .isEqualTo("qnode.topology.sae-pairs[0].master");
    assertThat(failure(() -> TopologySpec.fromConfig(TestConfigs.validWith(
        "qnode.topology.sae-pairs = [{ master = A-APP, slave = C-APP, paths = 3 }]"))).keyPath())
        .isEqualTo("qnode.topology.sae-pairs[0].paths");
    assertThat(failure(() -> TopologySpec.fromConfig(TestConfigs.validWith(
        "qnode.topology.sae-pairs = [{ master = A-APP, slave = C-APP, paths = 2 },"
            + " { master = A-APP, slave = C-APP, paths = 1 }]"))).keyPath())
        .isEqualTo("qnode.topology.sae-pairs[1]");
  }

  @Test
  void saePeers_restrictPairsBothWays_andBadListsAreNamed() {
    String saes = """
        saes = [
          { id = "A-APP", station = A }
          { id = "A-APP2", station = A }
          { id = "C-APP", station = C, peers = ["A-APP"] }
        ]
        """;
    TopologySpec t = TopologySpec.fromConfig(TestConfigs.topology(null, null, saes));
    assertThat(t.pairAllowed("A-APP", "C-APP")).isTrue();
    assertThat(t.pairAllowed("C-APP", "A-APP")).isTrue();
    assertThat(t.pairAllowed("A-APP2", "C-APP")).isFalse();
    assertThat(t.pairAllowed("C-APP", "A-APP2")).isFalse();
    assertThat(t.pairAllowed("A-APP", "A-APP2")).as("no list: any pair").isTrue();
    assertThat(t.pairAllowed("A-APP", "nobody")).isFalse();

    ConfigException unknown = failure(() -> TopologySpec.fromConfig(TestConfigs.topology(null, null,
        saes.replace("peers = [\"A-APP\"]", "peers = [\"Z-APP\"]"))));
    assertThat(unknown.keyPath()).isEqualTo("qnode.topology.saes[2].peers[0]");
    assertThat(unknown.problem()).contains("'Z-APP' is not an SAE of the registry");
    ConfigException self = failure(() -> TopologySpec.fromConfig(TestConfigs.topology(null, null,
        saes.replace("peers = [\"A-APP\"]", "peers = [\"C-APP\"]"))));
    assertThat(self.problem()).contains("itself");
    ConfigException pair = failure(() -> TopologySpec.fromConfig(TestConfigs.topology(null, null,
        saes + "sae-pairs = [{ master = A-APP2, slave = C-APP, paths = 1 }]")));
    assertThat(pair.keyPath()).isEqualTo("qnode.topology.sae-pairs[0]");
    assertThat(pair.problem()).contains("not allowed");
  }
}
