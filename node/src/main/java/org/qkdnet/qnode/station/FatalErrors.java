package org.qkdnet.qnode.station;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.function.IntConsumer;
import org.slf4j.LoggerFactory;

/**
 * An {@link OutOfMemoryError} (or any other {@link VirtualMachineError}) anywhere stops the
 * process at once, loudly, instead of being printed by the thread that met it while the station
 * carries on with a half-done step (issue 11 item 6).
 *
 * <p>Two layers: {@link #install()} makes every thread's uncaught virtual-machine error print one
 * line naming the error and the thread to stderr and halt the process with {@link #EXIT_CODE}; and
 * {@code -XX:+ExitOnOutOfMemoryError} (given by {@code bin/qnode}, the systemd unit, the container
 * and the chaos harness) covers the errors that a library catches before they are uncaught (Netty's
 * event loops log and carry on). A station says at start when the flag is missing ({@link
 * #exitOnOutOfMemoryError()}). Halting is safe for key material: every state change the store
 * acknowledged is durable (the same as a kill -9), and a restart recovers from the store.
 */
public final class FatalErrors {
  /** The process's exit code after a fatal error (the same as the JVM's ExitOnOutOfMemoryError). */
  public static final int EXIT_CODE = 3;

  private FatalErrors() {}

  /** Makes a virtual-machine error on any thread without a handler of its own halt the process. */
  public static void install() {
    Thread.setDefaultUncaughtExceptionHandler(
        handler(System.err, code -> Runtime.getRuntime().halt(code), Thread.getDefaultUncaughtExceptionHandler()));
  }

  /**
   * The handler: a {@link VirtualMachineError} prints one line to {@code err} and calls {@code halt}
   * with {@link #EXIT_CODE}; anything else goes to {@code next}, or, when there is none, to the
   * log like every other failure (not the thread group, which would hand it back to this handler).
   */
  static Thread.UncaughtExceptionHandler handler(PrintStream err, IntConsumer halt,
      Thread.UncaughtExceptionHandler next) {
    return (thread, e) -> {
      if (e instanceof VirtualMachineError) {
        try {
          err.println("qnode: FATAL " + e.getClass().getName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " in thread " + thread.getName()
              + "; stopping the process (exit " + EXIT_CODE + "): give it more heap (-Xmx) and restart it");
          err.flush();
        } finally {
          halt.accept(EXIT_CODE);
        }
        return;
      }
      if (next != null) {
        next.uncaughtException(thread, e);
      } else {
        LoggerFactory.getLogger(FatalErrors.class).error("uncaught exception in thread {}", thread.getName(), e);
      }
    };
  }

  /** Whether this JVM was started with {@code -XX:+ExitOnOutOfMemoryError} (or CrashOnOutOfMemoryError). */
  public static boolean exitOnOutOfMemoryError() {
    try {
      HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return "true".equals(hs.getVMOption("ExitOnOutOfMemoryError").getValue())
          || "true".equals(hs.getVMOption("CrashOnOutOfMemoryError").getValue());
    } catch (RuntimeException e) {
      return false;
    }
  }
}
