package org.qkdnet.qnode.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qkdnet.qnode.config.TestConfigs.validWith;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagementSettingsTest {
  /** Explicit endpoints for A and C; B keeps the base-port rule. */
  private static final String ENDPOINTS = """
      qnode.network.endpoints {
        A { host = "10.0.0.1", cluster-port = 7000, grpc-port = 7001, https-port = 7002, management-port = 7100 }
        C { host = "10.0.0.3", cluster-port = 7000, grpc-port = 7001, https-port = 7002 }
      }
      """;

  @Test
  void create_defaults_offWithDerivedPort() {
    QnodeSettings s = QnodeSettings.create(validWith("qnode.station-id = C"));

    assertThat(s.management()).isEqualTo(new ManagementSettings(false, 0, Map.of()));
    // C is the third station: 27000 + 10 * 2 + 6
    assertThat(s.ownManagementPort()).isEqualTo(27026);
  }

  @Test
  void create_enabled_eachStationDerivesItsOwnPort() {
    QnodeSettings s = QnodeSettings.create(validWith("qnode.station-id = A, qnode.management.enabled = on"));

    assertThat(s.management().enabled()).isTrue();
    assertThat(s.ownManagementPort()).isEqualTo(27006);
    assertThat(s.management().portOf("B", s.topology(), s.network())).isEqualTo(27016);
  }

  @Test
  void create_explicitEndpointPort_isUsedForThatStation() {
    QnodeSettings s = QnodeSettings.create(validWith(
        "qnode.station-id = A, qnode.management.enabled = on, qnode.management.port = 0\n" + ENDPOINTS
            + "qnode.network.endpoints.C.management-port = 7200"));

    assertThat(s.ownManagementPort()).isEqualTo(7100);
    assertThat(s.management().portOf("B", s.topology(), s.network())).isEqualTo(27016);
    assertThat(s.management().portOf("C", s.topology(), s.network())).isEqualTo(7200);
  }

  @Test
  void create_enabledWithExplicitEndpointLackingPort_namesThatEndpointsKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.management.enabled = on\n" + ENDPOINTS)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.network.endpoints.C.management-port")
        .hasMessageContaining("not set");
  }

  @Test
  void create_disabledWithExplicitEndpointLackingPort_isAccepted() {
    QnodeSettings s = QnodeSettings.create(validWith(ENDPOINTS));

    assertThat(s.management().enabled()).isFalse();
  }

  @Test
  void create_explicitPortForEveryStation_overridesEndpoints() {
    QnodeSettings s = QnodeSettings.create(validWith(
        "qnode.station-id = C, qnode.management { enabled = on, port = 9626 }\n" + ENDPOINTS));

    assertThat(s.ownManagementPort()).isEqualTo(9626);
  }

  @Test
  void create_portAboveRange_namesPortKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.management.port = 65536")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.management.port")
        .hasMessageContaining("65536");
  }

  @Test
  void create_endpointPortOutOfRange_namesEndpointKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith(ENDPOINTS
        + "qnode.network.endpoints.C.management-port = 0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.network.endpoints.C.management-port")
        .hasMessageContaining("outside 1..65535");
  }

  @Test
  void create_endpointPortNotANumber_namesEndpointKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith(ENDPOINTS
        + "qnode.network.endpoints.C.management-port = soon")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.network.endpoints.C.management-port");
  }

  @Test
  void create_derivedPortOfLastStationAbove65535_namesPortKey() {
    // C's admin port is base + 23 and its metrics port base + 24: both fit at 65510, its management port
    // (base + 26 = 65536) does not
    assertThat(QnodeSettings.create(validWith("qnode.network.base-port = 65510")).management().enabled()).isFalse();
    assertThatThrownBy(() -> QnodeSettings.create(validWith(
        "qnode.network.base-port = 65510, qnode.management.enabled = on")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.management.port")
        .hasMessageContaining("65536");
  }

  @Test
  void create_portEqualToTheStationsAdminPort_namesTheClash() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith(ENDPOINTS
        + "qnode.management.enabled = on, qnode.network.endpoints.C.management-port = 7003")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.network.endpoints.C.management-port")
        .hasMessageContaining("7003")
        .hasMessageContaining("admin-port");
  }

  @Test
  void create_portEqualToTheMetricsPort_namesTheClash() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith(
        "qnode.management { enabled = on, port = 9464 }, qnode.metrics.port = 9464")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.management.port")
        .hasMessageContaining("metrics port");
  }

  @Test
  void create_enabledNotBoolean_namesEnabledKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.management.enabled = sometimes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.management.enabled");
  }

  @Test
  void create_unknownManagementKey_isRefusedWithNearestKnownKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.management.enabeld = on")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.management.enabeld")
        .hasMessageContaining("did you mean qnode.management.enabled");
  }
}
