package org.qkdnet.qnode.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qkdnet.qnode.config.TestConfigs.validWith;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DashboardSettingsTest {

  @Test
  void create_defaults_onWithSixteenClientsEveryHalfSecond() {
    QnodeSettings s = QnodeSettings.create(validWith(""));
    assertThat(s.dashboard()).isEqualTo(new DashboardSettings(true, 16, Duration.ofMillis(500)));
  }

  @Test
  void create_maxClientsZero_namesKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.dashboard.max-clients = 0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.dashboard.max-clients");
  }

  @Test
  void create_refreshTooFast_namesKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.dashboard.refresh = 10ms")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("qnode.dashboard.refresh");
  }

  @Test
  void create_typo_isRefusedWithNearestKnownKey() {
    assertThatThrownBy(() -> QnodeSettings.create(validWith("qnode.dashboard.enable = off")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("did you mean qnode.dashboard.enabled");
  }
}
