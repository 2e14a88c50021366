package org.qkdnet.qnode.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.qkdnet.qnode.config.ConfigException;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.config.QnodeSettings;
import org.qkdnet.qnode.station.Station;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code qnode run}: one station in this process, until SIGTERM/SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run one station of a topology in this process until interrupted.")
public final class RunCommand implements Callable<Integer> {
  @Option(names = "--config", required = true,
      description = "Configuration file (HOCON), or a built-in topology name: hubei, local.")
  String config;

  @Option(names = "--station", required = true, description = "Id of the station to run.")
  String station;

  @Option(names = "--data-dir", description = "Durable state directory (default: qnode.data-dir).")
  Path dataDir;

  @Option(names = "--tls-dir", description = "PEM directory written by `qnode certs` (default: qnode.tls-dir).")
  Path tlsDir;

  @Option(names = "--kek-file", description = "The station's key-encryption key (default: qnode.keystore.kek-file, "
      + "else <tls-dir>/stations/<station>.kek as written by `qnode certs`).")
  Path kekFile;

  @Override
  public Integer call() throws Exception {
    Config cfg;
    QnodeSettings settings;
    try {
      cfg = ConfigLoader.load(config).withValue("qnode.station-id", ConfigValueFactory.fromAnyRef(station));
      if (dataDir != null) {
        cfg = cfg.withValue("qnode.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toString()));
      }
      if (tlsDir != null) {
        cfg = cfg.withValue("qnode.tls-dir", ConfigValueFactory.fromAnyRef(tlsDir.toString()));
      }
      if (kekFile != null) {
        cfg = cfg.withValue("qnode.keystore.kek-file", ConfigValueFactory.fromAnyRef(kekFile.toString()));
      }
      cfg = cfg.resolve();
      settings = QnodeSettings.create(cfg);
      if (!settings.tlsConfigured()) {
        throw new ConfigException("qnode.tls-dir", "not set: generate certificates with `qnode certs` "
            + "and pass --tls-dir");
      }
    } catch (ConfigException e) {
      System.err.println("qnode run: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Station s = Station.start(settings, cfg.withFallback(ConfigFactory.defaultReference()));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      s.close();
      stopped.countDown();
    }, "qnode-shutdown"));
    System.out.println("READY " + s.id() + " https=" + s.httpsPort() + " grpc=" + s.grpcPort());
    System.out.flush();
    java.util.concurrent.atomic.AtomicReference<String> failed = new java.util.concurrent.atomic.AtomicReference<>();
    s.failedClosed().thenAccept(why -> {
      failed.set(why);
      stopped.countDown();
    });
    stopped.await();
    if (failed.get() != null) {
      System.err.println("qnode run: station " + s.id() + " stopped: " + failed.get()
          + "; restart it once the cause (disk full, I/O error, partition) is fixed: it recovers from its log");
      return 1;
    }
    return 0;
  }
}
