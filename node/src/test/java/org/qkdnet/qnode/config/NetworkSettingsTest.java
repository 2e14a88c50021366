package org.qkdnet.qnode.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qkdnet.qnode.config.TestConfigs.validWith;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;

class NetworkSettingsTest {

  private static NetworkSettings create(Config c) {
    return NetworkSettings.create(c, TopologySpec.fromConfig(c));
  }

  private static ConfigException failure(Config c) {
    try {
      create(c);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void endpointOf_noEntry_followsBasePortRuleInTopologyOrder() {
    Config c = validWith("qnode.network.base-port = 30000");
    TopologySpec t = TopologySpec.fromConfig(c);
    NetworkSettings n = NetworkSettings.create(c, t);

    assertThat(n.endpointOf("A", t)).isEqualTo(new Endpoint("127.0.0.1", 30000, 30001, 30002));
    assertThat(n.endpointOf("C", t)).isEqualTo(new Endpoint("127.0.0.1", 30020, 30021, 30022));
  }

  @Test
  void endpointOf_explicitEntry_wins_andHostDefaultsToNetworkHost() {
    Config c = validWith("qnode.network.endpoints.B { cluster-port = 4000, grpc-port = 4001, https-port = 4443 }");
    TopologySpec t = TopologySpec.fromConfig(c);
    NetworkSettings n = NetworkSettings.create(c, t);

    assertThat(n.endpointOf("B", t)).isEqualTo(new Endpoint("127.0.0.1", 4000, 4001, 4443));
    assertThat(n.endpointOf("A", t).clusterPort()).isEqualTo(27000);
  }

  @Test
  void create_explicitEntryReusesDerivedPort_namesClashingKey() {
    // A derives 27000..27002; B's explicit grpc-port takes A's cluster port.
    ConfigException e = failure(validWith(
        "qnode.network.endpoints.B { cluster-port = 4000, grpc-port = 27000, https-port = 4443 }"));
    assertThat(e.keyPath()).isEqualTo("qnode.network.endpoints.B.grpc-port");
    assertThat(e.problem()).contains("27000").contains("A cluster-port");
  }

  @Test
  void adminPort_derivedAsPlusThree_explicitOrHttpsPlusOne_andClashesNamed() {
    Config c = validWith("qnode.network.endpoints.B { cluster-port = 4000, grpc-port = 4001, https-port = 4443,"
        + " admin-port = 4500 }\nqnode.network.endpoints.C { cluster-port = 5000, grpc-port = 5001, https-port = 5443 }");
    TopologySpec t = TopologySpec.fromConfig(c);
    NetworkSettings n = NetworkSettings.create(c, t);
    assertThat(n.endpointOf("A", t).adminPort()).isEqualTo(27003);
    assertThat(n.endpointOf("B", t).adminPort()).isEqualTo(4500);
    assertThat(n.endpointOf("C", t).adminPort()).isEqualTo(5444);
    // B's admin port on A's derived ETSI 014 port
    ConfigException e = failure(validWith(
        "qnode.network.endpoints.B { cluster-port = 4000, grpc-port = 4001, https-port = 4443, admin-port = 27002 }"));
    assertThat(e.keyPath()).isEqualTo("qnode.network.endpoints.B.admin-port");
    assertThat(e.problem()).contains("A https-port");
  }

  @Test
  void dashboardPort_derivedAsPlusFive_explicitOrHttpsPlusThree_andClashesNamed() {
    Config c = validWith("qnode.network.endpoints.B { cluster-port = 4000, grpc-port = 4001, https-port = 4443,"
        + " dashboard-port = 4600 }\nqnode.network.endpoints.C { cluster-port = 5000, grpc-port = 5001, https-port = 5443 }");
    TopologySpec t = TopologySpec.fromConfig(c);
    NetworkSettings n = NetworkSettings.create(c, t);
    assertThat(n.endpointOf("A", t).dashboardPort()).isEqualTo(27005);
    assertThat(n.endpointOf("B", t).dashboardPort()).isEqualTo(4600);
    assertThat(n.endpointOf("C", t).dashboardPort()).isEqualTo(5446);
    // B's dashboard port on A's derived admin port
    ConfigException e = failure(validWith("qnode.network.endpoints.B { cluster-port = 4000, grpc-port = 4001,"
        + " https-port = 4443, dashboard-port = 27003 }"));
    assertThat(e.keyPath()).isEqualTo("qnode.network.endpoints.B.dashboard-port");
    assertThat(e.problem()).contains("A admin-port");
    // a derived dashboard port past 65535 names the key to set
    e = failure(validWith("qnode.network.endpoints.B { cluster-port = 4000, grpc-port = 4001, https-port = 65534 }"));
    assertThat(e.keyPath()).isEqualTo("qnode.network.endpoints.B.dashboard-port");
    assertThat(e.problem()).contains("65537").contains("set it");
  }

  @Test
  void create_sameStationTwoServicesOnOnePort_isRejected() {
    ConfigException e = failure(validWith(
        "qnode.network.endpoints.C { cluster-port = 4000, grpc-port = 4001, https-port = 4000 }"));
    assertThat(e.keyPath()).isEqualTo("qnode.network.endpoints.C.https-port");
  }

  @Test
  void create_samePortOnDifferentHosts_isAccepted() {
    Config c = validWith("""
        qnode.network.endpoints {
          A { host = "10.0.0.1", cluster-port = 5000, grpc-port = 5001, https-port = 5002 }
          B { host = "10.0.0.2", cluster-port = 5000, grpc-port = 5001, https-port = 5002 }
        }""");
    assertThat(create(c).endpoints()).hasSize(2);
  }

  @Test
  void create_derivedPortClashesWithExplicit_namesBasePort() {
    // A explicit on 27010 (B's derived cluster port); A comes first, so B's derived port clashes.
    ConfigException e = failure(validWith(
        "qnode.network.endpoints.A { cluster-port = 27010, grpc-port = 6001, https-port = 6002 }"));
    assertThat(e.keyPath()).isEqualTo("qnode.network.base-port");
    assertThat(e.problem()).contains("B's derived cluster-port 27010");
  }

  @Test
  void create_portOutOfRange_namesKey() {
    ConfigException e = failure(validWith(
        "qnode.network.endpoints.A { cluster-port = 70000, grpc-port = 6001, https-port = 6002 }"));
    assertThat(e.keyPath()).isEqualTo("qnode.network.endpoints.A.cluster-port");
  }

  @Test
  void create_basePortPushesLastStationPast65535_namesBasePort() {
    ConfigException e = failure(validWith("qnode.network.base-port = 65520"));
    assertThat(e.keyPath()).isEqualTo("qnode.network.base-port");
    assertThat(e.problem()).contains("C's derived");
  }

  @Test
  void create_basePortZero_namesBasePort() {
    ConfigException e = failure(validWith("qnode.network.base-port = 0"));
    assertThat(e).hasMessage("qnode.network.base-port: 0 is outside 1..65535");
  }

  @Test
  void create_endpointForUnknownStation_namesEntry() {
    ConfigException e = failure(validWith(
        "qnode.network.endpoints.ZZ { cluster-port = 1, grpc-port = 2, https-port = 3 }"));
    assertThat(e.keyPath()).isEqualTo("qnode.network.endpoints.ZZ");
  }

  @Test
  void create_endpointMissingPort_namesPortKey() {
    ConfigException e = failure(validWith(
        "qnode.network.endpoints.A { cluster-port = 1, grpc-port = 2 }"));
    assertThat(e).hasMessage("qnode.network.endpoints.A.https-port: missing");
  }

  @Test
  void create_emptyHost_namesHostKey() {
    ConfigException e = failure(validWith("qnode.network.host = \"\""));
    assertThat(e.keyPath()).isEqualTo("qnode.network.host");
  }
}
