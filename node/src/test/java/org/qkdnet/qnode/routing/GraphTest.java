package org.qkdnet.qnode.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GraphTest {
  private final Graph graph = new Graph(List.of("C", "A", "B"), List.of(new Edge("A", "C", 7), new Edge("A", "B", 2)));

  @Test
  void stations_areSorted_andEdgesAtSortedByNeighbor() {
    assertThat(graph.stations()).containsExactly("A", "B", "C");
    assertThat(graph.edgesAt("A")).extracting(e -> e.other("A")).containsExactly("B", "C");
  }

  @Test
  void route_sumsKm_andCountsHops() {
    Route r = graph.route(List.of("B", "A", "C"));
    assertThat(r.km()).isEqualTo(9.0);
    assertThat(r.hops()).isEqualTo(2);
    assertThat(r.transit()).containsExactly("A");
    assertThat(graph.route(List.of("A")).hops()).isZero();
  }

  @Test
  void route_unlinkedStations_isRejected() {
    assertThatThrownBy(() -> graph.route(List.of("B", "C"))).hasMessageContaining("no link between B and C");
  }

  @Test
  void constructor_edgeToUnknownStation_isRejected() {
    assertThatThrownBy(() -> new Graph(List.of("A"), List.of(new Edge("A", "Q", 1))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_duplicateEdge_isRejected() {
    assertThatThrownBy(() -> new Graph(List.of("A", "B"), List.of(new Edge("A", "B", 1), new Edge("B", "A", 2))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
  }

  @Test
  void edge_selfLoopOrNonPositiveKm_isRejected() {
    assertThatThrownBy(() -> new Edge("A", "A", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Edge("A", "B", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
