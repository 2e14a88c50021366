package org.qkdnet.qnode.link;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.qkdnet.qnode.logging.StationMdc;

/**
 * Relays first (issue 11 item 1): the threads that post-process raw key (the simulator, sifting,
 * estimation, Cascade, privacy amplification, at both ends of a link) run at the lowest Java
 * priority, so an ETSI 014 request or a relay hop does not queue for the CPU behind them.
 *
 * <p>The JVM passes Java priorities to the OS (as a higher nice value: lower priority needs no
 * privilege) only when started with {@code -XX:ThreadPriorityPolicy=1}; {@code bin/qnode} does.
 * Without it the priorities are kept but have no effect, and {@link #effective()} says so.
 */
public final class BackgroundPriority {
  private BackgroundPriority() {}

  /** Lowers the calling thread (a thread that only post-processes) for good; cheap when repeated. */
  public static void lowerCurrentThread() {
    Thread t = Thread.currentThread();
    if (t.getPriority() != Thread.MIN_PRIORITY) {
      t.setPriority(Thread.MIN_PRIORITY);
    }
  }

  /** Whether this JVM maps thread priorities to the OS ({@code -XX:ThreadPriorityPolicy=1}). */
  public static boolean effective() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:ThreadPriorityPolicy=1");
  }

  /**
   * A pool of {@code threads} daemon threads of {@code station} at the lowest priority with a
   * queue of {@code queue} tasks; a task beyond it is refused ({@link
   * java.util.concurrent.RejectedExecutionException}).
   */
  public static ThreadPoolExecutor executor(String station, String name, int threads, int queue) {
    java.util.concurrent.ThreadFactory bound = StationMdc.threads(station, name, true);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queue), r -> {
          Thread t = bound.newThread(r);
          t.setPriority(Thread.MIN_PRIORITY);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
