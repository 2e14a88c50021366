package org.qkdnet.qnode.keystore;

/**
 * Named fault-injection points (RELIABILITY.md §8): with {@code -Dqnode.crash-at=NAME} the
 * process halts at that exact step, as if killed, so chaos tests can check recovery.
 */
public final class CrashPoints {
  public static final String PROPERTY = "qnode.crash-at";

  private CrashPoints() {}

  public static void hit(String name) {
    if (name.equals(System.getProperty(PROPERTY))) {
      System.err.println("CRASH POINT " + name);
      System.err.flush();
      // halt, not exit: no shutdown hooks, no RocksDB close, exactly like kill -9.
      Runtime.getRuntime().halt(137);
    }
  }
}
