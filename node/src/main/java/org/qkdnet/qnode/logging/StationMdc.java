package org.qkdnet.qnode.logging;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * Names the station a log line comes from (MDC key {@value #KEY}), so that the 25 stations of
 * the in-process demo, which share one JVM and one log, can be told apart.
 *
 * <p>Threads that work for one station only (its Pekko dispatchers, its LinkService and gRPC
 * client pools, its post-processing pools) are <em>bound</em> to it for life. Pekko clears the MDC
 * after an actor's message and after its own log events; {@link StationMdcFilter} puts the bound
 * station back before each log call, so the key does not depend on what ran before on the thread.
 */
public final class StationMdc {
  /** The MDC key; the log pattern shows it as {@code %X{station}}. */
  public static final String KEY = "station";

  private static final ThreadLocal<String> BOUND = new ThreadLocal<>();

  private StationMdc() {}

  /** Binds the calling thread, for the rest of its life, to {@code station}. */
  public static void bindCurrentThread(String station) {
    Objects.requireNonNull(station, "station");
    if (!station.equals(BOUND.get())) {
      BOUND.set(station);
    }
    if (!station.equals(MDC.get(KEY))) {
      MDC.put(KEY, station);
    }
  }

  /** The station the calling thread is bound to, or null. */
  public static String boundStation() {
    return BOUND.get();
  }

  /**
   * Daemon threads named {@code name-<n>} (or {@code name} when {@code numbered} is false),
   * bound to {@code station}.
   */
  public static ThreadFactory threads(String station, String name, boolean numbered) {
    Objects.requireNonNull(station, "station");
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(() -> {
        bindCurrentThread(station);
        r.run();
      }, numbered ? name + "-" + n.incrementAndGet() : name);
      t.setDaemon(true);
      return t;
    };
  }

  /** {@code task}, run with the MDC naming {@code station} (for a thread shared by stations). */
  public static Runnable wrap(String station, Runnable task) {
    Objects.requireNonNull(station, "station");
    return () -> {
      String before = MDC.get(KEY);
      MDC.put(KEY, station);
      try {
        task.run();
      } finally {
        if (before == null) {
          MDC.remove(KEY);
        } else {
          MDC.put(KEY, before);
        }
      }
    };
  }
}
