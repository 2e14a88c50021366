package org.qkdnet.qnode.chaos;

import java.util.List;
import java.util.Map;

/**
 * What one scenario did and what the checker found: its faults ({@code kind:detail}), counts,
 * violations, and for the timeline the fault windows and per-second ok/failed master requests
 * (second 0 is the scenario's start).
 */
record ScenarioResult(String name, List<String> faults, double durationSeconds, int relaysOk, int relaysFailed,
    List<Violation> violations, List<Window> windows, List<int[]> perSecond, int orphans,
    Map<String, Long> recoveryMillis, List<String> notes) {

  /** A fault's window, ms from the scenario's start. */
  record Window(String fault, long fromMillis, long toMillis) {}

  ScenarioResult {
    faults = List.copyOf(faults);
    violations = List.copyOf(violations);
    windows = List.copyOf(windows);
    perSecond = List.copyOf(perSecond);
    recoveryMillis = Map.copyOf(recoveryMillis);
    notes = List.copyOf(notes);
  }
}
