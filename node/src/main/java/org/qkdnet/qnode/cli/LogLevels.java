package org.qkdnet.qnode.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Console log levels for interactive commands whose own output is the progress report. */
final class LogLevels {
  private LogLevels() {}

  /** Only warnings and errors from the stations. */
  static void quiet() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
      // the demo's stations share two cores: Pekko's scheduling-delay and shutdown-time
      // connection warnings say nothing about the network under test
      ctx.getLogger("org.apache.pekko").setLevel(Level.ERROR);
    }
  }
}
