package org.qkdnet.qnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.routing.StationReport;

class ClusterLinkStatesTest {
  private final ClusterLinkStates states = new ClusterLinkStates();

  @Test
  void snapshot_beforeAnything_isEmpty() {
    assertThat(states.snapshot()).isEmpty();
    assertThat(states.own()).isEmpty();
    assertThat(states.report("A")).isEmpty();
  }

  @Test
  void own_afterPublish_showsInSnapshotOverReplicatedEntry() {
    StationReport replicatedOld = ClusterTestConfig.report("A", 1, 7);
    StationReport latest = ClusterTestConfig.report("A", 2, 1);
    StationReport other = ClusterTestConfig.report("B", 3, 4);
    states.replicated(Map.of("A", replicatedOld, "B", other));

    states.own(latest);

    assertThat(states.own()).contains(latest);
    assertThat(states.snapshot()).isEqualTo(Map.of("A", latest, "B", other));
    assertThat(states.replicated()).containsEntry("A", replicatedOld);
  }

  @Test
  void replicated_afterOwn_keepsOwnOverlaid() {
    StationReport latest = ClusterTestConfig.report("A", 2, 5);
    states.own(latest);

    states.replicated(Map.of("A", ClusterTestConfig.report("A", 2, 4)));

    assertThat(states.snapshot()).containsEntry("A", latest).hasSize(1);
  }

  @Test
  void snapshot_laterChangeOfSourceMap_doesNotLeakIn() {
    Map<String, StationReport> source = new HashMap<>();
    source.put("B", ClusterTestConfig.report("B", 1, 1));
    states.replicated(source);
    Map<String, StationReport> taken = states.snapshot();

    source.put("C", ClusterTestConfig.report("C", 1, 1));

    assertThat(states.snapshot()).containsOnlyKeys("B");
    assertThatThrownBy(() -> taken.put("X", null)).isInstanceOf(UnsupportedOperationException.class);
  }
}
