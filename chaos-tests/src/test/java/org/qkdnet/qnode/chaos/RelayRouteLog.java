package org.qkdnet.qnode.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the origin's periodic route summary from a station log, e.g.
 * {@code relays to CHA in the last 10 s: 523 delivered over ALP>BRA>CHA 300, ALP>DEL>CHA 223;
 * failed: UNREACHABLE 2}: which relay stations the origin's keys actually went through.
 */
final class RelayRouteLog {
  /** One summary line: destination, relays delivered, delivered per route ("ALP>BRA>CHA"), failures. */
  record Summary(String destination, long delivered, Map<String, Long> routes, String failed) {
    /** Relays (or shares) that went through {@code station} as a transit (not as origin or destination). */
    long through(String station) {
      long n = 0;
      for (Map.Entry<String, Long> e : routes.entrySet()) {
        List<String> hops = List.of(e.getKey().split(">"));
        if (hops.size() > 2 && hops.subList(1, hops.size() - 1).contains(station)) {
          n += e.getValue();
        }
      }
      return n;
    }

    /** The transit station most relays went through, if any route had one. */
    Optional<String> busiestRelay() {
      Map<String, Long> perRelay = new LinkedHashMap<>();
      for (Map.Entry<String, Long> e : routes.entrySet()) {
        String[] hops = e.getKey().split(">");
        for (int i = 1; i < hops.length - 1; i++) {
          perRelay.merge(hops[i], e.getValue(), Long::sum);
        }
      }
      return perRelay.entrySet().stream().filter(e -> e.getValue() > 0)
          .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(
              java.util.Comparator.reverseOrder())))
          .map(Map.Entry::getKey);
    }
  }

  private static final Pattern LINE = Pattern.compile(
      "relays to (\\S+) in the last [^:]*: (\\d+) delivered(?: over ([^;\\r\\n]+))?(?:; failed: ([^\\r\\n]*))?");

  private RelayRouteLog() {}

  /** Every summary line for {@code destination} in {@code log}, oldest first. */
  static List<Summary> summaries(String log, String destination) {
    List<Summary> out = new ArrayList<>();
    Matcher m = LINE.matcher(log);
    while (m.find()) {
      if (!m.group(1).equals(destination)) {
        continue;
      }
      Map<String, Long> routes = new LinkedHashMap<>();
      if (m.group(3) != null) {
        for (String part : m.group(3).split(",")) {
          String p = part.trim();
          int sp = p.lastIndexOf(' ');
          if (sp > 0) {
            try {
              routes.put(p.substring(0, sp).trim(), Long.parseLong(p.substring(sp + 1).trim()));
            } catch (NumberFormatException e) {
              // not a "route count" pair: ignore it rather than guess
            }
          }
        }
      }
      out.add(new Summary(m.group(1), Long.parseLong(m.group(2)), routes,
          m.group(4) == null ? "" : m.group(4).trim()));
    }
    return out;
  }
}
