package org.qkdnet.qnode.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.qkdnet.qnode.crypto.DevPki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qnode certs}: writes a development PKI for every station, SAE and operator. */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = "Write a development CA and certificates for the stations, SAEs and operators "
        + "of a topology.")
public final class CertsCommand implements Callable<Integer> {
  static final int EXIT_OK = 0;
  static final int EXIT_IO = 1;
  static final int EXIT_BAD_INPUT = 2;

  private static final String STATIONS = "qnode.topology.stations";
  private static final String SAES = "qnode.topology.saes";
  private static final String OPERATORS = "qnode.topology.operators";
  private static final List<String> DEFAULT_OPERATORS = List.of("admin");
  // A bare name such as "hubei" means the packaged topology, not a file in the working directory.
  private static final Pattern CLASSPATH_NAME = Pattern.compile("[A-Za-z0-9_-]+");
  private static final String CLASSPATH_PREFIX = "classpath:";

  @Spec
  private CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "local",
      description = "HOCON topology file, or a packaged topology name (hubei, local). "
          + "Default: ${DEFAULT-VALUE}.")
  private String config;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Directory to write ca.crt/ca.key, stations/, saes/ and operators/ into.")
  private Path out;

  @Override
  public Integer call() {
    List<String> stations;
    List<String> saes;
    List<String> operators;
    java.util.Map<String, List<String>> hosts = new java.util.HashMap<>();
    try {
      Config c = load(config);
      stations = ids(c, STATIONS, true);
      // a station's certificate names the host others reach it at (qnode.network), not only loopback
      String common = c.hasPath("qnode.network.host") ? c.getString("qnode.network.host") : "127.0.0.1";
      for (String s : stations) {
        String key = "qnode.network.endpoints.\"" + s + "\".host";
        String h = c.hasPath(key) ? c.getString(key) : common;
        if (!h.isBlank() && !h.equals("127.0.0.1") && !h.equals("localhost")) {
          hosts.put(s, List.of(h));
        }
      }
      saes = ids(c, SAES, false);
      operators = c.hasPath(OPERATORS) ? c.getStringList(OPERATORS) : DEFAULT_OPERATORS;
    } catch (ConfigException | IllegalArgumentException e) {
      return fail(EXIT_BAD_INPUT, e.getMessage());
    }
    if (stations.isEmpty()) {
      return fail(EXIT_BAD_INPUT, "no stations in " + STATIONS + " of " + config);
    }
    Path dir = out.toAbsolutePath().normalize();
    try {
      DevPki.writeAll(dir, stations, saes, operators, hosts);
    } catch (IllegalArgumentException e) {
      return fail(EXIT_BAD_INPUT, e.getMessage());
    } catch (IOException e) {
      return fail(EXIT_IO, "cannot write to " + dir + ": " + e.getMessage());
    }
    spec.commandLine().getOut().printf("wrote development PKI to %s: 1 CA, %d station(s), "
        + "%d SAE(s), %d operator(s)%n", dir, stations.size(), saes.size(), operators.size());
    spec.commandLine().getOut().flush();
    return EXIT_OK;
  }

  private int fail(int code, String message) {
    spec.commandLine().getErr().println("certs: " + message);
    spec.commandLine().getErr().flush();
    return code;
  }

  /** A file path if it exists; otherwise a packaged {@code <name>/topology.conf}. */
  static Config load(String config) {
    String name = config.startsWith(CLASSPATH_PREFIX)
        ? config.substring(CLASSPATH_PREFIX.length()) : null;
    Path file = Path.of(config);
    if (name == null && Files.isRegularFile(file)) {
      return resolve(ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false)));
    }
    if (name == null && CLASSPATH_NAME.matcher(config).matches()) {
      name = config;
    }
    if (name == null) {
      throw new IllegalArgumentException("config file not found: " + config);
    }
    String resource = name + "/topology.conf";
    if (CertsCommand.class.getClassLoader().getResource(resource) == null) {
      throw new IllegalArgumentException("no config file '" + config
          + "' and no packaged topology classpath:" + resource);
    }
    return resolve(ConfigFactory.parseResources(resource,
        ConfigParseOptions.defaults().setAllowMissing(false)));
  }

  // Substitutions may refer to defaults in reference.conf, as they do when the node loads them.
  private static Config resolve(Config parsed) {
    return parsed.withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static List<String> ids(Config c, String path, boolean required) {
    if (!required && !c.hasPath(path)) {
      return List.of();
    }
    return c.getConfigList(path).stream().map(e -> e.getString("id")).toList();
  }
}
