package org.qkdnet.qnode.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.qkdnet.qnode.config.ConfigException;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.config.RelaySettings;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code qnode demo}: the whole backbone in one process, two applications sharing keys. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start every station of a topology on loopback, deliver keys from a master SAE to a "
        + "slave SAE over ETSI 014, compare them and use one with SM4; print a summary.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--topology", defaultValue = "hubei",
      description = "Built-in topology (hubei, local) or a topology file. Default: ${DEFAULT-VALUE}.")
  String topology;

  @Option(names = "--keys", defaultValue = "100", description = "Keys to deliver. Default: ${DEFAULT-VALUE}.")
  int keys;

  @Option(names = "--keys-per-request", defaultValue = "1",
      description = "Keys per enc_keys request (each request is one relay). Default: ${DEFAULT-VALUE}.")
  int keysPerRequest;

  @Option(names = "--key-size", defaultValue = "256", description = "Key size in bits. Default: ${DEFAULT-VALUE}.")
  int keySize;

  @Option(names = "--from", description = "Master's station (default: first backbone station, Wuhan on hubei).")
  String from;

  @Option(names = "--to", description = "Slave's station (default: last backbone station, Yichang on hubei).")
  String to;

  @Option(names = "--work-dir", description = "Data and certificates (default: a new temporary directory, "
      + "deleted when the demo ends unless --keep-work-dir).")
  Path workDir;

  @Option(names = "--keep-work-dir", description = "Keep the temporary work directory (stores, logs and the "
      + "development CA's private key) when the demo ends.")
  boolean keepWorkDir;

  @Option(names = "--speedup", description = "Simulated key-rate multiplier (qnode.device.speedup).")
  Double speedup;

  @Option(names = "--paths",
      description = "Node-disjoint paths per key, 1 or 2 (with 2 the key is the XOR of two shares relayed over "
          + "two routes that share no station but the ends); sets qnode.relay.paths for every station. "
          + "Default: the configuration's.")
  Integer paths;

  @Option(names = "--summary-json", description = "Also write the summary as JSON to this file.")
  Path summaryJson;

  @Option(names = "--keep-running", description = "Leave the network up as a sandbox until interrupted.")
  boolean keepRunning;

  @Option(names = "--verbose", description = "Show the stations' INFO logs.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (!verbose && System.getProperty("qnode.log.level") == null) {
      LogLevels.quiet();
    }
    Config cfg;
    String master;
    String slave;
    try {
      if (keys < 1 || keys > 100_000) {
        throw new ConfigException("--keys", keys + " is outside 1..100000");
      }
      if (keysPerRequest < 1) {
        throw new ConfigException("--keys-per-request", "must be at least 1");
      }
      if (keySize < 8 || keySize % 8 != 0) {
        throw new ConfigException("--key-size", keySize + " is not a positive multiple of 8");
      }
      if (paths != null && (paths < 1 || paths > RelaySettings.MAX_PATHS)) {
        throw new ConfigException("--paths", paths + " is outside 1.." + RelaySettings.MAX_PATHS);
      }
      cfg = ConfigLoader.load(topology);
      if (paths != null) {
        cfg = cfg.withValue("qnode.relay.paths", ConfigValueFactory.fromAnyRef(paths));
      }
      if (speedup != null) {
        cfg = cfg.withValue("qnode.device.speedup", ConfigValueFactory.fromAnyRef(speedup));
      }
      TopologySpec topo = TopologySpec.fromConfig(cfg);
      List<String> defaults = topo.defaultEndpoints();
      master = from != null ? from : defaults.get(0);
      slave = to != null ? to : defaults.get(1);
      for (String[] s : new String[][] {{"--from", master}, {"--to", slave}}) {
        if (topo.station(s[1]).isEmpty()) {
          throw new ConfigException(s[0], "'" + s[1] + "' is not a station of " + topo.name());
        }
      }
      if (master.equals(slave)) {
        throw new ConfigException("--to", "must differ from the master's station " + master);
      }
      for (String[] s : new String[][] {{"--from", master}, {"--to", slave}}) {
        if (topo.saesOf(s[1]).isEmpty()) {
          throw new ConfigException(s[0], "station " + s[1] + " has no SAE in the registry");
        }
      }
      String masterSae = topo.saesOf(master).get(0).id();
      String slaveSae = topo.saesOf(slave).get(0).id();
      int configured = RelaySettings.create(cfg).paths();
      java.util.Optional<Integer> pair = topo.pathsFor(masterSae, slaveSae);
      if (paths != null && pair.isPresent() && !pair.get().equals(paths)) {
        throw new ConfigException("--paths", paths + " cannot apply: the topology's sae-pairs sets paths = "
            + pair.get() + " for " + masterSae + " -> " + slaveSae);
      }
      int used = pair.orElse(configured);
      String problem = Demo.disjointRoutesProblem(topo, master, slave, used);
      if (problem != null) {
        String source = paths != null ? "--paths" : pair.isPresent() ? "qnode.topology.sae-pairs" : "qnode.relay.paths";
        throw new ConfigException(source, problem);
      }
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("qnode demo: " + e.getMessage());
      return 2;
    }
    // A directory the demo made for itself holds key stores and a CA private key: it goes when
    // the demo ends (also on Ctrl-C), unless kept. A --work-dir the user named is theirs.
    boolean temporary = workDir == null;
    Path dir = temporary ? Files.createTempDirectory("qnode-demo-") : workDir;
    Files.createDirectories(dir);
    Thread cleanup = new Thread(() -> deleteWorkDir(dir, temporary && !keepWorkDir), "qnode-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    Demo demo = new Demo(new Demo.Options(cfg, dir, keys, keysPerRequest, keySize, master, slave, summaryJson,
        keepRunning), System.out);
    try {
      return demo.run();
    } catch (IllegalStateException e) {
      System.out.flush();
      System.err.println("qnode demo: FAILED: " + e.getMessage());
      return 1;
    } finally {
      deleteWorkDir(dir, temporary && !keepWorkDir);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway; deleting twice is harmless
      }
    }
  }

  private static void deleteWorkDir(Path dir, boolean delete) {
    if (!delete) {
      System.out.println("work dir kept: " + dir);
      return;
    }
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
      System.out.println("work dir deleted: " + dir + " (keep it with --keep-work-dir)");
    } catch (java.io.IOException e) {
      System.err.println("qnode demo: could not delete the work dir " + dir + ": " + e.getMessage());
    }
  }
}
