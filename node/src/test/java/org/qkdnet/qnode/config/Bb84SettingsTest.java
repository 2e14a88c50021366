package org.qkdnet.qnode.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.postprocessing.cascade.CascadeVariant;

class Bb84SettingsTest {
  private static Config with(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void create_defaults_valid() {
    Bb84Settings s = Bb84Settings.create(with(""));
    assertThat(s.cascadeVariant()).isEqualTo(CascadeVariant.YANETAL);
    assertThat(s.params().frameSlots()).isEqualTo(50_000_000);
    assertThat(s.framesInFlight()).isEqualTo(4);
  }

  @Test
  void create_badPhysics_errorNamesKey() {
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.frame-slots = 10")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.frame-slots"));
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.misalignment-error = 0.7")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.misalignment-error"));
  }

  @Test
  void create_badPostProcessingKnobs_errorNamesKey() {
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.cascade-variant = fast")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.cascade-variant"));
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.frames-in-flight = 0")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.frames-in-flight"));
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.eps-pa = 1")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.eps-pa"));
  }

  @Test
  void deviceKind_bb84Sim_accepted() {
    assertThat(DeviceSettings.create(with("qnode.device.kind = bb84-sim")).kind()).isEqualTo("bb84-sim");
  }
}
