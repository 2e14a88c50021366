package org.qkdnet.qnode.station;

import java.time.Duration;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.qkdnet.qnode.config.ConfigException;

/**
 * The wall clock a station reads (relay deadlines, key expiry, event times): the system's, shifted
 * by {@code -Dqnode.clock-offset=DURATION} for fault injection (the chaos suite's clock-skew), like
 * {@code -Dqnode.crash-at}. DURATION is a signed number with a unit ({@code -90s}, {@code +5m},
 * {@code 1h}, {@code 250ms}) or ISO-8601 ({@code PT-1H}). TLS certificate checks and the cluster's
 * failure detector keep the real clock.
 */
public final class StationClock {
  public static final String PROPERTY = "qnode.clock-offset";
  private static final Pattern SIMPLE = Pattern.compile("([+-]?\\d{1,9})\\s*(ms|s|m|h|d)");

  private StationClock() {}

  /** The offset {@code -Dqnode.clock-offset} sets; zero when unset. */
  public static Duration offsetFromSystemProperties() {
    String v = System.getProperty(PROPERTY);
    return v == null || v.isBlank() ? Duration.ZERO : parse(v);
  }

  /** The system clock shifted by {@code offset}. */
  public static InstantSource of(Duration offset) {
    return offset.isZero() ? InstantSource.system() : InstantSource.offset(InstantSource.system(), offset);
  }

  static Duration parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new ConfigException("-D" + PROPERTY, "must be a signed duration such as -90s, +5m, 1h, 250ms or PT-1H,"
          + " got '" + text + "'");
    }
  }
}
