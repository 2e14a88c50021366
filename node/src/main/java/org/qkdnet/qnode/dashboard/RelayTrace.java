package org.qkdnet.qnode.dashboard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A relay as the dashboard animates it, read back from the origin's RELAY event: subject {@code
 * "ALP->CHA"}, detail {@code "delivered via ALP,BRA,CHA in 12 ms"} (several node-disjoint paths
 * joined by {@code " + "}) or {@code "failed: REASON at X"}.
 *
 * @param paths the stations of each path, origin first (empty for a failed relay)
 * @param reason why it failed (empty when delivered)
 * @param at the station where it failed (empty when delivered or not known)
 */
public record RelayTrace(String from, String to, boolean delivered, List<List<String>> paths, long millis,
    String reason, String at) {

  public RelayTrace {
    paths = paths.stream().map(List::copyOf).toList();
  }

  private static final String DELIVERED = "delivered via ";
  private static final String FAILED = "failed: ";

  /** The relay an event's subject and detail describe, or empty when they do not read as one. */
  public static Optional<RelayTrace> parse(String subject, String detail) {
    int arrow = subject.indexOf("->");
    if (arrow <= 0 || arrow + 2 >= subject.length()) {
      return Optional.empty();
    }
    String from = subject.substring(0, arrow);
    String to = subject.substring(arrow + 2);
    if (detail.startsWith(DELIVERED)) {
      String rest = detail.substring(DELIVERED.length());
      int in = rest.lastIndexOf(" in ");
      if (in < 0 || !rest.endsWith(" ms")) {
        return Optional.empty();
      }
      long millis;
      try {
        millis = Long.parseLong(rest.substring(in + 4, rest.length() - 3).trim());
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      List<List<String>> paths = new ArrayList<>();
      for (String p : rest.substring(0, in).split(" \\+ ")) {
        List<String> stations = Arrays.stream(p.split(",")).map(String::trim).toList();
        if (stations.size() < 2 || stations.stream().anyMatch(String::isEmpty)) {
          return Optional.empty();
        }
        paths.add(stations);
      }
      return Optional.of(new RelayTrace(from, to, true, paths, millis, "", ""));
    }
    if (detail.startsWith(FAILED)) {
      String rest = detail.substring(FAILED.length());
      int at = rest.lastIndexOf(" at ");
      String reason = at < 0 ? rest : rest.substring(0, at);
      String where = at < 0 ? "" : rest.substring(at + 4).trim();
      return Optional.of(new RelayTrace(from, to, false, List.of(), -1, reason.trim(), where));
    }
    return Optional.empty();
  }
}
