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
  void create_defaults_xMisalignmentEqualsZ_noAfterpulses() {
    Bb84Settings s = Bb84Settings.create(with(""));
    assertThat(s.params().misalignmentError()).isEqualTo(0.015);
    assertThat(s.params().misalignmentErrorX()).isEqualTo(0.015);
    assertThat(s.params().afterpulseProbability()).isZero();
  }

  @Test
  void create_xMisalignmentAndAfterpulses_read() {
    Bb84Settings s = Bb84Settings.create(with(
        "qnode.device.bb84 { misalignment-error-x = 0.08, afterpulse-probability = 0.05 }"));
    assertThat(s.params().misalignmentErrorX()).isEqualTo(0.08);
    assertThat(s.params().misalignmentError()).as("Z keeps its own value").isEqualTo(0.015);
    assertThat(s.params().afterpulseProbability()).isEqualTo(0.05);
  }

  @Test
  void create_badXMisalignmentOrAfterpulses_errorNamesKey() {
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.misalignment-error-x = 0.6")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.misalignment-error-x");
          assertThat(e.getMessage()).contains("misalignment-error-x").contains("0.6");
        });
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.afterpulse-probability = -1")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.afterpulse-probability");
          assertThat(e.getMessage()).contains("afterpulse-probability").contains("[0.0, 0.2]");
        });
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.afterpulse-probability = 0.3")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.afterpulse-probability"));
  }

  @Test
  void create_badPostProcessingKnobs_errorNamesKey() {
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.cascade-variant = fast")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.cascade-variant"));
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.frames-in-flight = 0")))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.frames-in-flight"));
    for (String bad : new String[] {"eps-sec = 0", "eps-sec = 0.5", "eps-cor = -1", "block-bits = 100",
        "block-bits = 2e9", "block-bits = 123456.5", "verification-tag-bits = 129", "first-block-bits = 100",
        "first-block-bits = 3e8", "first-block-bits = 200000.5"}) {
      String key = bad.substring(0, bad.indexOf(' '));
      assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84." + bad))).as(bad)
          .isInstanceOfSatisfying(ConfigException.class,
              e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84." + key));
    }
  }

  @Test
  void firstBlock_smallerByDefault_atMostBlockBits() {
    Bb84Settings d = Bb84Settings.create(with(""));
    assertThat(d.firstBlockBits()).isEqualTo(300_000);
    assertThat(d.blockBits()).isEqualTo(1_000_000);
    // a first block above block-bits is an ordinary block
    Bb84Settings small = Bb84Settings.create(with("qnode.device.bb84.block-bits = 2e5"));
    assertThat(small.firstBlockBits()).isEqualTo(200_000);
    Bb84Settings larger = Bb84Settings.create(with("qnode.device.bb84.first-block-bits = 2e6"));
    assertThat(larger.firstBlockBits()).isEqualTo(larger.blockBits());
    assertThatThrownBy(() -> new Bb84Settings(d.params(), 0.11, d.cascadeVariant(), d.eps(), 128, 100_000, 4, 200_000))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.first-block-bits"));
  }

  @Test
  void create_verificationTagTooShortForEpsCor_refusedAtStart_namesBoth() {
    assertThatThrownBy(() -> Bb84Settings.create(with("qnode.device.bb84.verification-tag-bits = 64")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.verification-tag-bits");
          assertThat(e.getMessage()).contains("eps-cor");
        });
    // a looser eps-cor accepts the 64-bit tag
    Bb84Settings ok = Bb84Settings.create(with("qnode.device.bb84.verification-tag-bits = 64\n"
        + "qnode.device.bb84.eps-cor = 1e-9"));
    assertThat(ok.verificationTagBits()).isEqualTo(64);
  }

  @Test
  void create_defaults_finiteKeyBlocksAndBudget() {
    Bb84Settings s = Bb84Settings.create(with(""));
    assertThat(s.blockBits()).isEqualTo(1_000_000);
    assertThat(s.eps().epsSec()).isEqualTo(1e-10);
    assertThat(s.eps().epsCor()).isEqualTo(1e-15);
    assertThat(s.verificationTagBits()).isEqualTo(128);
  }

  private static final String TWO_LINKS = """
      qnode.topology.links = [
        { a = AAA, b = BBB, km = 30 }
        { a = BBB, b = CCC, km = 40, bb84 { detector-efficiency = 0.10, cascade-variant = option7 } }
      ]
      qnode.device.bb84.misalignment-error = 0.02
      """;

  @Test
  void forLink_overrideOnOneLink_otherKeysAndLinksKeepTheDefaults() {
    Config c = with(TWO_LINKS);
    Bb84Settings plain = Bb84Settings.forLink(c, 0);
    Bb84Settings special = Bb84Settings.forLink(c, 1);
    assertThat(plain).isEqualTo(Bb84Settings.create(c));
    assertThat(plain.params().detectorEfficiency()).isEqualTo(0.20);
    assertThat(special.params().detectorEfficiency()).isEqualTo(0.10);
    assertThat(special.cascadeVariant()).isEqualTo(CascadeVariant.OPTION7);
    assertThat(plain.cascadeVariant()).isEqualTo(CascadeVariant.YANETAL);
    // a default changed in qnode.device.bb84 applies to both, unless the link overrides it
    assertThat(special.params().misalignmentError()).isEqualTo(0.02);
    assertThat(plain.params().misalignmentError()).isEqualTo(0.02);
  }

  @Test
  void forLink_xMisalignmentAndAfterpulsesOverride_onlyThatLink() {
    Config c = with("""
        qnode.topology.links = [
          { a = AAA, b = BBB, km = 30 }
          { a = BBB, b = CCC, km = 40, bb84 { misalignment-error-x = 0.05, afterpulse-probability = 0.02 } }
        ]
        qnode.device.bb84.afterpulse-probability = 0.01
        """);
    Bb84Settings plain = Bb84Settings.forLink(c, 0);
    Bb84Settings special = Bb84Settings.forLink(c, 1);
    assertThat(plain.params().misalignmentErrorX()).isEqualTo(0.015);
    assertThat(plain.params().afterpulseProbability()).isEqualTo(0.01);
    assertThat(special.params().misalignmentErrorX()).isEqualTo(0.05);
    assertThat(special.params().misalignmentError()).isEqualTo(0.015);
    assertThat(special.params().afterpulseProbability()).isEqualTo(0.02);
  }

  @Test
  void forLink_badXMisalignmentOrAfterpulseOverride_errorNamesTheLinksKey() {
    Config bad = with("""
        qnode.topology.links = [ { a = AAA, b = BBB, km = 30, bb84 { misalignment-error-x = 0.6 } } ]
        """);
    assertThatThrownBy(() -> Bb84Settings.forLink(bad, 0)).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.keyPath()).isEqualTo("qnode.topology.links[0].bb84.misalignment-error-x"));
    Config badAp = with("""
        qnode.topology.links = [ { a = AAA, b = BBB, km = 30, bb84 { afterpulse-probability = -1 } } ]
        """);
    assertThatThrownBy(() -> Bb84Settings.forLink(badAp, 0)).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.keyPath()).isEqualTo("qnode.topology.links[0].bb84.afterpulse-probability"));
  }

  @Test
  void forLink_badOrUnknownOverride_errorNamesTheLinksKey() {
    Config bad = with("""
        qnode.topology.links = [ { a = AAA, b = BBB, km = 30, bb84 { detector-efficiency = 3 } } ]
        """);
    assertThatThrownBy(() -> Bb84Settings.forLink(bad, 0)).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.keyPath()).isEqualTo("qnode.topology.links[0].bb84.detector-efficiency"));
    Config typo = with("""
        qnode.topology.links = [ { a = AAA, b = BBB, km = 30, bb84 { detector-eficiency = 0.1 } } ]
        """);
    assertThatThrownBy(() -> Bb84Settings.forLink(typo, 0)).isInstanceOfSatisfying(ConfigException.class,
        e -> {
          assertThat(e.keyPath()).isEqualTo("qnode.topology.links[0].bb84.detector-eficiency");
          assertThat(e.problem()).contains("not a setting of qnode.device.bb84");
        });
    Config notObject = with("qnode.topology.links = [ { a = AAA, b = BBB, km = 30, bb84 = fast } ]");
    assertThatThrownBy(() -> Bb84Settings.forLink(notObject, 0)).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.keyPath()).isEqualTo("qnode.topology.links[0].bb84"));
  }

  @Test
  void forLink_frameKeyBits_longLinksGetFramesOfThatManyKeyBits_shortLinksKeepFrameSlots() {
    Config c = with("""
        qnode.topology.links = [
          { a = AAA, b = BBB, km = 25 }
          { a = BBB, b = CCC, km = 78 }
          { a = CCC, b = DDD, km = 78, bb84 { frame-key-bits = 0 } }
          { a = DDD, b = EEE, km = 250 }
        ]
        """);
    Bb84Settings shortLink = Bb84Settings.forLink(c, 0);
    Bb84Settings longLink = Bb84Settings.forLink(c, 1);
    // 5e7 pulses carry ~4e5 key bits at 25 km: more than 1e5, frame-slots as written
    assertThat(shortLink.params().frameSlots()).isEqualTo(50_000_000);
    // at 78 km 5e7 pulses carry ~3.5e4: the frame grows until it carries 1e5 on average
    int slots = longLink.params().frameSlots();
    double keyBits = slots * org.qkdnet.qnode.device.sim.FiniteKeyRate.keyBitsPerPulse(longLink.params(), 78);
    assertThat(slots).isBetween(100_000_000, 200_000_000);
    assertThat(keyBits).isBetween(100_000.0, 100_001.0);
    // everything else as configured; a frame still takes its pulses' time
    assertThat(longLink.params().withFrameSlots(50_000_000)).isEqualTo(shortLink.params());
    assertThat(longLink.blockBits()).isEqualTo(shortLink.blockBits());
    // off on one link
    assertThat(Bb84Settings.forLink(c, 2).params().frameSlots()).isEqualTo(50_000_000);
    // never beyond the simulator's largest frame
    assertThat(Bb84Settings.forLink(c, 3).params().frameSlots()).isEqualTo(1_000_000_000);
    // the same at both ends: a pure function of the topology
    assertThat(Bb84Settings.forLink(c, 1)).isEqualTo(longLink);
  }

  @Test
  void forLink_badFrameKeyBits_errorNamesTheKey() {
    for (String v : new String[] {"500", "2e6", "1500.5", "-1", "lots"}) {
      Config global = with("qnode.topology.links = [ { a = AAA, b = BBB, km = 30 } ]\n"
          + "qnode.device.bb84.frame-key-bits = " + v);
      assertThatThrownBy(() -> Bb84Settings.forLink(global, 0)).as(v).isInstanceOfSatisfying(ConfigException.class,
          e -> assertThat(e.keyPath()).isEqualTo("qnode.device.bb84.frame-key-bits"));
      Config perLink = with("qnode.topology.links = [ { a = AAA, b = BBB, km = 30, bb84 { frame-key-bits = " + v
          + " } } ]");
      assertThatThrownBy(() -> Bb84Settings.forLink(perLink, 0)).as(v).isInstanceOfSatisfying(ConfigException.class,
          e -> assertThat(e.keyPath()).isEqualTo("qnode.topology.links[0].bb84.frame-key-bits"));
    }
  }

  @Test
  void deviceKind_bb84Sim_accepted() {
    assertThat(DeviceSettings.create(with("qnode.device.kind = bb84-sim")).kind()).isEqualTo("bb84-sim");
  }
}
