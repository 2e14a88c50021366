package org.qkdnet.qnode.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qkdnet.qnode.config.TestConfigs.validWith;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingsTest {

  private static ConfigException failure(Runnable r) {
    try {
      r.run();
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void create_referenceDefaults_matchDocumentedValues() {
    QnodeSettings s = QnodeSettings.create(TestConfigs.valid());

    assertThat(s.stationId()).isEmpty();
    assertThat(s.station()).isEmpty();
    assertThat(s.dataDir()).isEqualTo(Path.of("qnode-data"));
    assertThat(s.tlsConfigured()).isFalse();
    assertThat(s.network().host()).isEqualTo("127.0.0.1");
    assertThat(s.network().basePort()).isEqualTo(27000);
    assertThat(s.device()).isEqualTo(new DeviceSettings("bb84-sim", 262144, 1.0, "",
        Duration.ofMillis(200), 4L * 1024 * 1024));
    assertThat(s.relay()).isEqualTo(new RelaySettings(Duration.ofSeconds(3), Duration.ofSeconds(10), 16, 3, 1,
        Duration.ofSeconds(10), 4096));
    assertThat(s.etsi014()).isEqualTo(new EtsiSettings(128, 4096, 64, 256, 0));
    assertThat(s.keystoreSync()).isTrue();
  }

  @Test
  void create_stationIdInTopology_isAccepted() {
    QnodeSettings s = QnodeSettings.create(validWith("qnode.station-id = B, qnode.tls-dir = pki"));
    assertThat(s.station()).hasValueSatisfying(st -> assertThat(st.name()).isEqualTo("Bravo"));
    assertThat(s.ownEndpoint()).isEqualTo(new Endpoint("127.0.0.1", 27010, 27011, 27012));
    assertThat(s.tlsConfigured()).isTrue();
  }

  @Test
  void create_unknownStationId_namesStationIdKey() {
    ConfigException e = failure(() -> QnodeSettings.create(validWith("qnode.station-id = WUH")));
    assertThat(e.keyPath()).isEqualTo("qnode.station-id");
    assertThat(e.problem()).contains("'WUH'").contains("A, B, C");
  }

  @Test
  void ownEndpoint_noStation_namesStationIdKey() {
    QnodeSettings s = QnodeSettings.create(TestConfigs.valid());
    assertThat(failure(s::ownEndpoint).keyPath()).isEqualTo("qnode.station-id");
  }

  @Test
  void create_emptyDataDir_namesKey() {
    ConfigException e = failure(() -> QnodeSettings.create(validWith("qnode.data-dir = \"\"")));
    assertThat(e.keyPath()).isEqualTo("qnode.data-dir");
  }

  @Test
  void create_keystoreSyncNotBoolean_namesKey() {
    ConfigException e = failure(() -> QnodeSettings.create(validWith("qnode.keystore.sync = maybe")));
    assertThat(e.keyPath()).isEqualTo("qnode.keystore.sync");
  }

  @Test
  void etsi_sizeNotMultipleOf8_namesKey() {
    ConfigException e = failure(() -> EtsiSettings.create(validWith("qnode.etsi014.default-key-size = 250")));
    assertThat(e.keyPath()).isEqualTo("qnode.etsi014.default-key-size");
    assertThat(e.problem()).contains("multiple of 8");
  }

  @Test
  void etsi_minAboveMax_namesMinKey() {
    ConfigException e = failure(() -> EtsiSettings.create(validWith("qnode.etsi014.min-key-size = 8192")));
    assertThat(e.keyPath()).isEqualTo("qnode.etsi014.min-key-size");
  }

  @Test
  void etsi_defaultBelowMin_namesDefaultKey() {
    ConfigException e = failure(() -> EtsiSettings.create(validWith("qnode.etsi014.default-key-size = 32")));
    assertThat(e.keyPath()).isEqualTo("qnode.etsi014.default-key-size");
  }

  @Test
  void etsi_zeroKeyCount_namesKey() {
    ConfigException e = failure(() -> EtsiSettings.create(validWith("qnode.etsi014.max-key-count = 0")));
    assertThat(e.keyPath()).isEqualTo("qnode.etsi014.max-key-count");
  }

  @Test
  void etsi_fractionalKeyCount_namesKey() {
    ConfigException e = failure(() -> EtsiSettings.create(validWith("qnode.etsi014.max-key-count = 1.5")));
    assertThat(e).hasMessage("qnode.etsi014.max-key-count: must be a whole number, got 1.5");
  }

  @Test
  void etsi_negativeSaeIdCount_namesKey() {
    ConfigException e = failure(() -> EtsiSettings.create(validWith("qnode.etsi014.max-sae-id-count = -1")));
    assertThat(e.keyPath()).isEqualTo("qnode.etsi014.max-sae-id-count");
  }

  @Test
  void relay_zeroHopTimeout_namesKey() {
    ConfigException e = failure(() -> RelaySettings.create(validWith("qnode.relay.hop-timeout = 0s")));
    assertThat(e.keyPath()).isEqualTo("qnode.relay.hop-timeout");
  }

  @Test
  void relay_relayTimeoutShorterThanHop_namesRelayTimeout() {
    ConfigException e = failure(() -> RelaySettings.create(validWith("qnode.relay.relay-timeout = 1s")));
    assertThat(e.keyPath()).isEqualTo("qnode.relay.relay-timeout");
  }

  @Test
  void relay_durationNotParseable_namesKey() {
    ConfigException e = failure(() -> RelaySettings.create(validWith("qnode.relay.hop-timeout = soon")));
    assertThat(e.keyPath()).isEqualTo("qnode.relay.hop-timeout");
  }

  @Test
  void relay_zeroMaxHops_namesKey() {
    ConfigException e = failure(() -> RelaySettings.create(validWith("qnode.relay.max-path-hops = 0")));
    assertThat(e.keyPath()).isEqualTo("qnode.relay.max-path-hops");
  }

  @Test
  void relay_threePaths_namesKeyAndRange() {
    ConfigException e = failure(() -> RelaySettings.create(validWith("qnode.relay.paths = 3")));
    assertThat(e.keyPath()).isEqualTo("qnode.relay.paths");
    assertThat(e).hasMessageContaining("1..2");
  }

  @Test
  void relay_zeroAttemptsOrQuarantineOrNegativeReserve_namesKey() {
    assertThat(failure(() -> RelaySettings.create(validWith("qnode.relay.max-attempts = 0"))).keyPath())
        .isEqualTo("qnode.relay.max-attempts");
    assertThat(failure(() -> RelaySettings.create(validWith("qnode.relay.suspicion-quarantine = 0s"))).keyPath())
        .isEqualTo("qnode.relay.suspicion-quarantine");
    assertThat(failure(() -> RelaySettings.create(validWith("qnode.relay.link-reserve = -1"))).keyPath())
        .isEqualTo("qnode.relay.link-reserve");
  }

  @Test
  void relay_defaults_failoverOnePathReserve() {
    RelaySettings r = RelaySettings.create(TestConfigs.valid());
    assertThat(r.maxAttempts()).isEqualTo(3);
    assertThat(r.paths()).isEqualTo(1);
    assertThat(r.suspicionQuarantine()).isEqualTo(Duration.ofSeconds(10));
    assertThat(r.linkReserveBytes()).isEqualTo(4096);
  }

  @Test
  void device_unknownKind_namesKey() {
    ConfigException e = failure(() -> DeviceSettings.create(validWith("qnode.device.kind = laser")));
    assertThat(e.keyPath()).isEqualTo("qnode.device.kind");
  }

  @Test
  void device_frameBytesTooSmall_namesKey() {
    ConfigException e = failure(() -> DeviceSettings.create(validWith("qnode.device.frame-bytes = 63")));
    assertThat(e.keyPath()).isEqualTo("qnode.device.frame-bytes");
  }

  @Test
  void device_frameBytesTooLarge_namesKey() {
    ConfigException e = failure(() -> DeviceSettings.create(validWith("qnode.device.frame-bytes = 1048577")));
    assertThat(e.keyPath()).isEqualTo("qnode.device.frame-bytes");
  }

  @Test
  void device_zeroSpeedup_namesKey() {
    ConfigException e = failure(() -> DeviceSettings.create(validWith("qnode.device.speedup = 0")));
    assertThat(e.keyPath()).isEqualTo("qnode.device.speedup");
  }

  @Test
  void device_toString_hidesSeed() {
    DeviceSettings d = DeviceSettings.create(validWith("qnode.device.seed = \"s3cr3t-seed\""));
    assertThat(d.seed()).isEqualTo("s3cr3t-seed");
    assertThat(d.toString()).doesNotContain("s3cr3t").contains("<set>");
  }

  @Test
  void missingSection_namesSectionKey() {
    ConfigException e = failure(() -> RelaySettings.create(com.typesafe.config.ConfigFactory.empty()));
    assertThat(e).hasMessage("qnode.relay: missing");
  }

  @Test
  void configException_message_isKeyColonProblem() {
    ConfigException e = new ConfigException("qnode.x", "bad");
    assertThat(e).hasMessage("qnode.x: bad");
    assertThat(e.problem()).isEqualTo("bad");
    assertThatThrownBy(() -> new ConfigException(null, "p")).isInstanceOf(NullPointerException.class);
  }
}
