package org.qkdnet.qnode.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the station of a bound thread ({@link StationMdc#bindCurrentThread}) into the MDC before a
 * log call, where something (Pekko, after an actor's message) has cleared it. Runs on the calling
 * thread before the event is built; decides nothing ({@code NEUTRAL}). Configured in logback.xml.
 */
public final class StationMdcFilter extends TurboFilter {
  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
      Throwable t) {
    String bound = StationMdc.boundStation();
    if (bound != null && MDC.get(StationMdc.KEY) == null) {
      MDC.put(StationMdc.KEY, bound);
    }
    return FilterReply.NEUTRAL;
  }
}
