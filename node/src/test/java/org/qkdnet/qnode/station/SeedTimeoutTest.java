package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.config.QnodeSettings;

/** A restarted first seed waits longer for the running cluster before it founds one of its own. */
class SeedTimeoutTest {
  private static Duration seedTimeout(String station, boolean rejoining) {
    Config cfg = ConfigFactory.parseString("qnode.station-id = " + station).withFallback(ConfigLoader.load("local"));
    return Station.systemConfig(QnodeSettings.create(cfg), cfg, rejoining).getDuration("pekko.cluster.seed-node-timeout");
  }

  @Test
  void firstSeed_restartedOnItsStore_waits20s_otherwiseTheUsual2s() {
    String first = Station.seedStations(QnodeSettings.create(ConfigLoader.load("local")).topology()).get(0).id();
    assertThat(seedTimeout(first, false)).isEqualTo(Duration.ofSeconds(2));
    assertThat(seedTimeout(first, true)).isEqualTo(Station.REJOIN_SEED_TIMEOUT);
    String other = first.equals("DEL") ? "BRA" : "DEL";
    assertThat(seedTimeout(other, true)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void seedNodes_everyStationBackboneFirst_soSurvivorsOfABackboneCrashAnswerAJoin() {
    Config cfg = ConfigFactory.parseString("qnode.station-id = BRA").withFallback(ConfigLoader.load("local"));
    QnodeSettings settings = QnodeSettings.create(cfg);
    java.util.List<String> seeds = Station.systemConfig(settings, cfg, false).getStringList("pekko.cluster.seed-nodes");

    assertThat(seeds).hasSize(settings.topology().stations().size()).doesNotHaveDuplicates();
    int backbone = settings.topology().stationsWithRole(org.qkdnet.qnode.config.Role.BACKBONE).size();
    assertThat(backbone).isPositive();
    java.util.List<String> backboneIds = Station.seedStations(settings.topology()).subList(0, backbone).stream()
        .map(s -> s.role()).distinct().map(Object::toString).toList();
    assertThat(backboneIds).containsExactly(org.qkdnet.qnode.config.Role.BACKBONE.toString());
  }
}
