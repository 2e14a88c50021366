package org.qkdnet.qnode.keystore;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Named fault-injection points (RELIABILITY.md §8): with {@code -Dqnode.crash-at=NAME} the
 * process halts at that exact step, as if killed, so chaos tests can check recovery. With {@code
 * -Dqnode.crash-skip=N} it passes the point N times first (to crash in the middle of a run).
 */
public final class CrashPoints {
  public static final String PROPERTY = "qnode.crash-at";
  public static final String SKIP_PROPERTY = "qnode.crash-skip";

  private static final AtomicLong PASSED = new AtomicLong();

  private CrashPoints() {}

  public static void hit(String name) {
    if (name.equals(System.getProperty(PROPERTY))
        && PASSED.getAndIncrement() >= Long.getLong(SKIP_PROPERTY, 0L)) {
      System.err.println("CRASH POINT " + name);
      System.err.flush();
      // halt, not exit: no shutdown hooks, no RocksDB close, exactly like kill -9.
      Runtime.getRuntime().halt(137);
    }
  }
}
