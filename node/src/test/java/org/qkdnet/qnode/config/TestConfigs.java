package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Small HOCON fixtures: a valid 3-station line that each test breaks in one place. */
final class TestConfigs {
  static final String STATIONS = """
      stations = [
        { id = A, name = "Alpha", role = backbone, lat = 30.0, lon = 114.0 }
        { id = B, name = "Bravo", role = relay, lat = 30.1, lon = 114.1 }
        { id = C, name = "Charlie", role = backbone, lat = 30.2, lon = 114.2 }
      ]
      """;
  static final String LINKS = """
      links = [
        { a = A, b = B, km = 40 }
        { a = B, b = C, km = 60 }
      ]
      """;
  static final String SAES = """
      saes = [
        { id = "A-APP", station = A, description = "app at A" }
        { id = "C-APP", station = C, description = "app at C" }
      ]
      operators = [ "admin" ]
      """;

  private TestConfigs() {}

  /** The valid fixture with one part replaced (pass null to keep the default part). */
  static Config topology(String stations, String links, String saes) {
    String body = "qnode.topology {\n name = test\n"
        + (stations == null ? STATIONS : stations) + "\n"
        + (links == null ? LINKS : links) + "\n"
        + (saes == null ? SAES : saes) + "\n}\n";
    return withDefaults(body);
  }

  static Config valid() {
    return topology(null, null, null);
  }

  /** {@code hocon} on top of reference.conf, resolved, as the loader would build it. */
  static Config withDefaults(String hocon) {
    return ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.defaultReference(TestConfigs.class.getClassLoader()))
        .resolve();
  }

  /** Valid fixture plus extra HOCON lines that override settings. */
  static Config validWith(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(valid()).resolve();
  }
}
