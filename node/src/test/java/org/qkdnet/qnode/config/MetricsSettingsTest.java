package org.qkdnet.qnode.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qkdnet.qnode.config.TestConfigs.validWith;

import org.junit.jupiter.api.Test;

class MetricsSettingsTest {
  /** Station C's ports given explicitly, so that only its metrics port follows the base-port rule. */
  private static final String C_EXPLICIT =
      "qnode.network.endpoints.C { cluster-port = 4000, grpc-port = 4001, https-port = 4002 }";

  @Test
  void create_defaults_enabledOnLoopbackWithDerivedPort() {
    QnodeSettings s = QnodeSettings.create(validWith("qnode.station-id = C"));

    assertThat(s.metrics()).isEqualTo(new MetricsSettings(true, "127.0.0.1", 0));
    // C is the third station: 27000 + 10 * 2 + 4
    assertThat(s.ownMetricsPort()).isEqualTo(27024);
  }

  @Test
  void create_explicitPortAndHost_areUsedAsGiven() {
    QnodeSettings s = QnodeSettings.create(validWith(
        "qnode.station-id = B, qnode.metrics { port = 9464, host = \"10.0.0.7\" }"));

    assertThat(s.ownMetricsPort()).isEqualTo(9464);
    assertThat(s.metrics().host()).isEqualTo("10.0.0.7");
  }

  @Test
  void create_portAboveRange_namesPortKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.metrics.port = 65536")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.metrics.port")
        .hasMessageContaining("65536");
  }

  @Test
  void create_negativePort_namesPortKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.metrics.port = -1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.metrics.port");
  }

  @Test
  void create_derivedPortOfLastStationAbove65535_namesPortKey() {
    // metrics ports are base + 4, + 14, + 24: 65510 gives C 65534; with 65512 C's metrics port would be
    // 65536 (C's other ports are explicit, else its derived dashboard port, + 25, would be refused first)
    assertThat(QnodeSettings.create(validWith("qnode.network.base-port = 65510")).metrics().port()).isZero();
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.network.base-port = 65512\n" + C_EXPLICIT)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.metrics.port")
        .hasMessageContaining("65536");
  }

  @Test
  void create_emptyHost_namesHostKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.metrics.host = \"\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.metrics.host");
  }

  @Test
  void create_enabledNotBoolean_namesEnabledKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.metrics.enabled = sometimes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.metrics.enabled");
  }

  @Test
  void create_unknownMetricsKey_isRefusedWithNearestKnownKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.metrics.prot = 9000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.metrics.prot")
        .hasMessageContaining("did you mean qnode.metrics.port");
  }

  @Test
  void create_metricsOff_skipsDerivedPortCheck() {
    QnodeSettings s = QnodeSettings.create(validWith("qnode.metrics.enabled = off, qnode.network.base-port = 65512\n"
        + C_EXPLICIT));

    assertThat(s.metrics().enabled()).isFalse();
  }
}
