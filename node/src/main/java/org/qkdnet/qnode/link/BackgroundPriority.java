package org.qkdnet.qnode.link;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.qkdnet.qnode.logging.StationMdc;

/**
 * Relays first (issue 11 item 1): the threads that post-process raw key (the simulator, sifting,
 * estimation, privacy amplification, at both ends of a link) run below the priority of relays and
 * ETSI 014 requests, on two tiers ({@link TieredExecutor}, {@link PostProcessingUrgency}):
 * {@link #BACKGROUND} while the station's links have key, {@link #URGENT} while one is short.
 *
 * <p>The JVM passes Java priorities to the OS only when started with {@code
 * -XX:ThreadPriorityPolicy=1}, and then maps the lowest one to nice 4 unless told otherwise;
 * where the process may raise priorities again ({@link #canRaise()}), {@code bin/qnode} adds {@code
 * -XX:JavaPriority1_To_OSPriority=19}: the background tier is nice 19 (CFS weight 15 against a
 * relay thread's 1024: it takes only what relays leave), the urgent tier nice 3 (weight 526: about
 * a third of a core against each relay thread). Lowering needs no privilege; see {@link
 * #background()} for why nice 19 needs the right to raise. Without the policy the priorities are
 * kept but have no effect, and {@link #effective()} says so.
 */
public final class BackgroundPriority {
  /** Java priority of post-processing while the station's links have key. */
  public static final int BACKGROUND = Thread.MIN_PRIORITY;
  /** Java priority of post-processing while a link of the station is short of key. */
  public static final int URGENT = Thread.MIN_PRIORITY + 1;

  // the JVM's flags, read once: background() is asked on every Cascade message
  private static final boolean EFFECTIVE =
      ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:ThreadPriorityPolicy=1");
  private static final boolean NICE_19 =
      ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:JavaPriority1_To_OSPriority=19");

  private BackgroundPriority() {}

  /** Whether this JVM maps thread priorities to the OS ({@code -XX:ThreadPriorityPolicy=1}). */
  public static boolean effective() {
    return EFFECTIVE;
  }

  /** Whether the background tier is nice 19 ({@code -XX:JavaPriority1_To_OSPriority=19}). */
  public static boolean backgroundIsNice19() {
    return NICE_19;
  }

  private static volatile Boolean canRaise;

  /**
   * Whether a thread lowered to {@link #BACKGROUND} can be raised to normal priority again: the
   * priorities reach the OS and this process may lower a nice value to 0 (CAP_SYS_NICE, or an
   * RLIMIT_NICE of 20: {@code ulimit -e}). Found once per JVM by trying it on a thread of its own
   * and reading the nice values Linux reports; false where it cannot tell.
   */
  public static boolean canRaise() {
    Boolean known = canRaise;
    if (known == null) {
      known = effective() && probeRaise();
      canRaise = known;
    }
    return known;
  }

  private static boolean probeRaise() {
    int[] nice = {Integer.MIN_VALUE, Integer.MIN_VALUE};
    Thread probe = new Thread(() -> {
      try {
        Thread.currentThread().setPriority(BACKGROUND);
        nice[0] = ownNice();
        Thread.currentThread().setPriority(Thread.NORM_PRIORITY);
        nice[1] = ownNice();
      } catch (java.io.IOException | RuntimeException e) {
        // no /proc (not Linux) or an unexpected format: cannot tell
      }
    }, "qnode-priority-probe");
    probe.setDaemon(true);
    probe.start();
    try {
      probe.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return nice[0] != Integer.MIN_VALUE && nice[1] != Integer.MIN_VALUE && nice[1] < nice[0];
  }

  /** The nice value of the calling thread (field 19 of Linux's /proc/thread-self/stat). */
  static int ownNice() throws java.io.IOException {
    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(after[16]);
  }

  /**
   * The Java priority of the background tier: {@link #BACKGROUND}, except where it would be nice 19
   * ({@link #backgroundIsNice19()}) and this process may not raise priorities ({@link
   * #canRaise()}): there it is {@link #URGENT}. A thread starts at the nice value of the thread
   * that makes it, and the pools of Pekko, gRPC and Netty make threads when work arrives, often
   * from the thread that hands it on; one made by a nice-19 thread could then never return to
   * normal priority (the 25-station demo, without CAP_SYS_NICE: its cluster did not form in 180 s).
   */
  public static int background() {
    return backgroundIsNice19() && !canRaise() ? URGENT : BACKGROUND;
  }

  /** Whether post-processing yields fully to relays: nice 19 in the background tier. */
  public static boolean fullyBelowRelays() {
    return effective() && backgroundIsNice19() && background() == BACKGROUND;
  }

  /** One line for a user: where post-processing runs against relays in this JVM, and why. */
  public static String describe() {
    if (!effective()) {
      return "post-processing at the relays' priority (java without -XX:ThreadPriorityPolicy=1; bin/qnode adds it)";
    }
    if (fullyBelowRelays()) {
      return "relays first: post-processing at nice 19, at nice 3 while a link is short of key";
    }
    String why = canRaise() ? "-XX:JavaPriority1_To_OSPriority=19 would make it nice 19"
        : "nice 19 needs the right to raise priorities again: CAP_SYS_NICE or ulimit -e 20, which the"
            + " systemd unit's LimitNICE=+0 and a container's --ulimit nice=20 give; Cascade stays in the"
            + " background tier; README, \"One station per process\"";
    return "relays first: post-processing at nice " + (background() == BACKGROUND ? 4 : 3)
        + ", at nice 3 while a link is short of key (" + why + ")";
  }

  /** Threads of {@code factory} made at {@code priority}. */
  public static ThreadFactory at(ThreadFactory factory, int priority) {
    return r -> {
      Thread t = factory.newThread(r);
      t.setPriority(priority);
      return t;
    };
  }

  /**
   * Two pools of {@code threads} daemon threads of {@code station} each, named {@code name} (at
   * {@link #BACKGROUND}) and {@code name-urgent} (at {@link #URGENT}), with a queue of {@code queue}
   * tasks each (a task beyond it is refused: {@link java.util.concurrent.RejectedExecutionException});
   * a task goes to the urgent one while {@code urgent} says so when it is submitted.
   */
  public static TieredExecutor executor(String station, String name, int threads, int queue,
      BooleanSupplier urgent) {
    return new TieredExecutor(pool(station, name, threads, queue, background()),
        pool(station, name + "-urgent", threads, queue, URGENT), urgent);
  }

  private static ThreadPoolExecutor pool(String station, String name, int threads, int queue, int priority) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queue), at(StationMdc.threads(station, name, true), priority));
    pool.allowCoreThreadTimeOut(true);
    if (priority == URGENT) {
      prestartIfNeeded(pool);
    }
    return pool;
  }

  /**
   * Whether the threads of the urgent tier must be made now, by the calling thread (a station's
   * start, at normal priority), and kept: a new thread starts at its creator's nice value and the
   * JVM then sets the one of its priority, which a process that cannot raise priorities ({@link
   * #canRaise()}) fails to do when the creator is a background thread (nice 19 stays 19). Made
   * lazily, an urgent thread would often be made by a background one (a frame handed on). Not
   * needed where both tiers have one priority ({@link #background()}).
   */
  private static boolean mustMakeThreadsNow() {
    return effective() && !canRaise() && background() < URGENT
        && Thread.currentThread().getPriority() > background();
  }

  /** Makes the core threads of {@code pool} now if it is a thread pool and {@link #mustMakeThreadsNow()}. */
  public static void prestartIfNeeded(java.util.concurrent.ExecutorService pool) {
    if (pool instanceof ThreadPoolExecutor tpe && mustMakeThreadsNow()) {
      tpe.allowCoreThreadTimeOut(false);
      tpe.prestartAllCoreThreads();
    }
  }
}
