package org.qkdnet.qnode.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.config.Role;
import org.qkdnet.qnode.config.StationSpec;
import org.qkdnet.qnode.config.TopologySpec;

class MapLayoutTest {

  private static StationSpec at(String id, double lat, double lon) {
    return new StationSpec(id, id, Role.RELAY, lat, lon);
  }

  @Test
  void of_localRing_northIsUpEastIsRight_insideTheMargins() {
    TopologySpec local = TopologySpec.fromConfig(ConfigLoader.load("local"));
    Map<String, MapLayout.Point> p = MapLayout.of(local.stations(), 1000, 640, 70);
    assertThat(p).containsOnlyKeys("ALP", "BRA", "CHA", "DEL");
    // ALP north-west, BRA north-east, CHA south-east, DEL south-west
    assertThat(p.get("ALP").x()).isLessThan(p.get("BRA").x());
    assertThat(p.get("ALP").y()).isLessThan(p.get("DEL").y());
    assertThat(p.get("CHA").x()).isEqualTo(p.get("BRA").x());
    assertThat(p.get("CHA").y()).isEqualTo(p.get("DEL").y());
    for (MapLayout.Point q : p.values()) {
      assertThat(q.x()).isBetween(70.0, 930.0);
      assertThat(q.y()).isBetween(70.0, 570.0);
    }
  }

  @Test
  void of_degreeEastShrunkByCosineOfLatitude_keepsTheShape() {
    // at 60 degrees north a degree east is half a degree north: this square of distances draws square
    List<StationSpec> s = List.of(at("A", 60, 10), at("B", 60, 12), at("C", 61, 10));
    Map<String, MapLayout.Point> p = MapLayout.of(s, 1000, 1000, 100);
    double east = p.get("B").x() - p.get("A").x();
    double north = p.get("A").y() - p.get("C").y();
    assertThat(east).isCloseTo(north, org.assertj.core.data.Offset.offset(north * 0.02));
  }

  @Test
  void of_allStationsOnOnePoint_goRoundACircle() {
    List<StationSpec> s = List.of(at("A", 0, 0), at("B", 0, 0), at("C", 0, 0), at("D", 0, 0));
    Map<String, MapLayout.Point> p = MapLayout.of(s, 1000, 640, 70);
    assertThat(p.values()).doesNotHaveDuplicates();
    // the first at the top, centred
    assertThat(p.get("A").x()).isEqualTo(500.0);
    assertThat(p.get("A").y()).isEqualTo(70.0);
    for (MapLayout.Point q : p.values()) {
      assertThat(Math.hypot(q.x() - 500, q.y() - 320)).isCloseTo(250.0, org.assertj.core.data.Offset.offset(0.2));
    }
  }

  @Test
  void of_oneStation_isCentred() {
    assertThat(MapLayout.of(List.of(at("A", 30, 114)), 1000, 640, 70))
        .containsEntry("A", new MapLayout.Point(500, 320));
  }

  @Test
  void of_marginLeavesNoRoom_fails() {
    assertThatThrownBy(() -> MapLayout.of(List.of(at("A", 0, 0)), 100, 100, 50))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
