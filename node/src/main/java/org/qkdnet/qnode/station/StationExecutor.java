package org.qkdnet.qnode.station;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;
import org.apache.pekko.dispatch.ForkJoinExecutorConfigurator;
import org.apache.pekko.dispatch.MonitorableThreadFactory;
import org.apache.pekko.dispatch.ThreadPoolExecutorConfigurator;
import org.qkdnet.qnode.link.BackgroundPriority;
import org.qkdnet.qnode.link.PostProcessingUrgency;
import org.qkdnet.qnode.link.TieredExecutor;
import org.qkdnet.qnode.logging.StationMdc;

/**
 * The executor of a station's Pekko dispatchers: Pekko's own fork-join or thread-pool executor,
 * with its threads named {@code <ID>-qnode-<dispatcher>-<n>} and bound to the station for logging
 * ({@link StationMdc}). Every station's ActorSystem is called "qnode" (the cluster requires one
 * name), so without this the 25 stations of one JVM log from identically named threads.
 *
 * <p>Installed by {@link #install}; the dispatcher's config then carries the station
 * ({@value #STATION_KEY}) and the executor it would otherwise use ({@value #INNER_KEY}).
 */
public final class StationExecutor extends ExecutorServiceConfigurator {
  static final String STATION_KEY = "qnode-station";
  static final String INNER_KEY = "qnode-inner-executor";
  /** Bob's post-processing: two tiers of threads below the relays' priority. */
  static final String POST_PROCESSING = StationGuardian.POST_PROCESSING_DISPATCHER;

  /**
   * Dispatchers whose threads serve only the station (actors, cluster, remoting, HTTP, scheduled
   * tasks). Pinned dispatchers (Cascade reconciliation) are not listed: Pekko configures them only
   * from a thread-pool-executor; their actors bind their thread themselves.
   */
  static final List<String> DISPATCHERS = List.of("pekko.actor.default-dispatcher",
      "pekko.actor.internal-dispatcher", "pekko.actor.default-blocking-io-dispatcher", "qnode.link-dispatcher",
      POST_PROCESSING);

  private final String station;
  private final ExecutorServiceConfigurator inner;

  public StationExecutor(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    this.station = config.getString(STATION_KEY);
    String kind = config.getString(INNER_KEY);
    if ("default-executor".equals(kind)) {
      kind = config.getString("default-executor.fallback");
    }
    this.inner = switch (kind) {
      case "fork-join-executor" -> new ForkJoinExecutorConfigurator(config.getConfig(kind), prerequisites);
      case "thread-pool-executor" -> new ThreadPoolExecutorConfigurator(config.getConfig(kind), prerequisites);
      default -> throw new IllegalArgumentException(config.getString("id") + ": executor " + kind
          + " is not supported for a station's dispatcher (use fork-join-executor or thread-pool-executor)");
    };
  }

  /** {@code config} with the dispatchers of {@link #DISPATCHERS} running on this executor for {@code station}. */
  static Config install(Config config, String station) {
    Config out = config;
    for (String path : DISPATCHERS) {
      if (!config.hasPath(path + ".executor")) {
        continue;
      }
      out = ConfigFactory.empty()
          .withValue(path + ".executor", ConfigValueFactory.fromAnyRef(StationExecutor.class.getName()))
          .withValue(path + "." + INNER_KEY, ConfigValueFactory.fromAnyRef(config.getString(path + ".executor")))
          .withValue(path + "." + STATION_KEY, ConfigValueFactory.fromAnyRef(station))
          .withFallback(out);
    }
    return out;
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    ThreadFactory named = threadFactory;
    if (threadFactory instanceof MonitorableThreadFactory m) {
      named = m.withName(station + "-" + m.name());
    }
    if (POST_PROCESSING.equals(id)) {
      // two tiers of threads (relays first, unless a link is short of key): see PostProcessingUrgency
      // (named here in full: Pekko appends the dispatcher id only to a factory it can rename)
      ThreadFactory backgroundNamed = threadFactory;
      ThreadFactory urgentNamed = threadFactory;
      if (threadFactory instanceof MonitorableThreadFactory m) {
        backgroundNamed = m.withName(station + "-" + m.name() + "-" + id);
        urgentNamed = m.withName(station + "-urgent-" + m.name() + "-" + id);
      }
      ExecutorServiceFactory background = inner.createExecutorServiceFactory(id,
          BackgroundPriority.at(backgroundNamed, BackgroundPriority.background()));
      ExecutorServiceFactory urgent = inner.createExecutorServiceFactory(id,
          BackgroundPriority.at(urgentNamed, BackgroundPriority.URGENT));
      String self = station;
      return () -> {
        ExecutorService urgentPool = urgent.createExecutorService();
        BackgroundPriority.prestartIfNeeded(urgentPool);
        return new Bound(new TieredExecutor(background.createExecutorService(), urgentPool,
            () -> PostProcessingUrgency.urgent(self)), station);
      };
    }
    ExecutorServiceFactory factory = inner.createExecutorServiceFactory(id, named);
    return () -> new Bound(factory.createExecutorService(), station);
  }

  /** Binds the thread that runs a task to the station (cheap once bound; threads never change station). */
  private static final class Bound extends AbstractExecutorService {
    private final ExecutorService pool;
    private final String station;

    Bound(ExecutorService pool, String station) {
      this.pool = pool;
      this.station = station;
    }

    @Override
    public void execute(Runnable task) {
      pool.execute(() -> {
        StationMdc.bindCurrentThread(station);
        task.run();
      });
    }

    @Override
    public void shutdown() {
      pool.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return pool.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return pool.awaitTermination(timeout, unit);
    }
  }
}
