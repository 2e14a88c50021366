package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns the {@code --config} argument into one resolved {@link Config}: the chosen file or
 * built-in topology on top of all {@code reference.conf} defaults (qnode's and Pekko's), with
 * JVM system properties ({@code -Dqnode.station-id=WUH}) on top of both, as
 * {@code ConfigFactory.load} would do. The result can be handed to an ActorSystem as is.
 */
public final class ConfigLoader {
  /** Topologies packaged on the classpath as {@code <name>/topology.conf}. */
  public static final List<String> BUILT_IN = List.of("hubei", "local");

  private static final Pattern BARE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private ConfigLoader() {}

  /**
   * @param configArg a file path, or a bare name such as {@code hubei} or {@code local} meaning
   *     the packaged {@code <name>/topology.conf}. An existing file wins over a packaged name.
   */
  public static Config load(String configArg) {
    if (configArg == null || configArg.isBlank()) {
      throw new ConfigException("--config", "empty: give a topology file or one of " + BUILT_IN);
    }
    ClassLoader loader = ConfigLoader.class.getClassLoader();
    Path file = Path.of(configArg);
    Config parsed;
    if (Files.isRegularFile(file)) {
      parsed = parse(configArg, () -> ConfigFactory.parseFile(file.toFile(), strict(loader)));
    } else if (BARE_NAME.matcher(configArg).matches()) {
      String resource = configArg + "/topology.conf";
      if (loader.getResource(resource) == null) {
        throw new ConfigException(
            configArg, "no such file, and not a built-in topology (built in: " + BUILT_IN + ")");
      }
      parsed = parse(resource, () -> ConfigFactory.parseResources(loader, resource, strict(loader)));
    } else {
      throw new ConfigException(
          configArg, Files.exists(file) ? "not a regular file" : "no such file");
    }
    return withDefaults(parsed, loader, configArg);
  }

  /**
   * {@code parsed} over the station's Pekko settings ({@code qnode-pekko.conf}) over every
   * library's reference.conf; system properties ({@code -Dqnode...}) override all.
   */
  public static Config withDefaults(Config parsed) {
    return withDefaults(parsed, ConfigLoader.class.getClassLoader(), "configuration");
  }

  private static Config withDefaults(Config parsed, ClassLoader loader, String source) {
    return parse(source, () -> ConfigFactory.defaultOverrides(loader)
        .withFallback(parsed)
        .withFallback(ConfigFactory.parseResources(loader, PEKKO_SETTINGS, strict(loader)))
        .withFallback(ConfigFactory.defaultReference(loader))
        .resolve());
  }

  /** Pekko settings every station uses, packaged by cluster-config. */
  public static final String PEKKO_SETTINGS = "qnode-pekko.conf";

  private static ConfigParseOptions strict(ClassLoader loader) {
    // allowMissing=false: a typo in the path must fail, not silently yield an empty config.
    return ConfigParseOptions.defaults().setAllowMissing(false).setClassLoader(loader);
  }

  private static Config parse(String source, java.util.function.Supplier<Config> parser) {
    try {
      return parser.get();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(source, "cannot be read (" + e.getMessage() + ")", e);
    }
  }
}
