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
      // nor are gRPC's warnings about streams a peer cancelled (a post-processing call that
      // timed out on the loaded machine: the frame is dropped and counted in the summary)
      ctx.getLogger("io.grpc").setLevel(Level.ERROR);
      ctx.getLogger("io.grpc.netty.shaded").setLevel(Level.ERROR);
    }
  }
}
