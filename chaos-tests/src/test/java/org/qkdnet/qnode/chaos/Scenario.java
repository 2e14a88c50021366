package org.qkdnet.qnode.chaos;

import java.util.List;

/**
 * One scenario of a schedule: the stations start, the workload runs {@code warmMillis}, then each
 * step's fault is injected at its time (ms from the load's start) and healed {@code holdMillis}
 * later; after the last heal the load runs until every pair delivered again (bounded) plus
 * {@code tailMillis}; then the stations stop and the checker runs.
 */
record Scenario(String name, List<Step> steps, long warmMillis, long tailMillis) {
  /** A fault, when to inject it (ms after the load started) and how long to hold it. */
  record Step(Fault fault, long atMillis, long holdMillis) {}

  Scenario {
    steps = List.copyOf(steps);
  }

  /** One line per step, for the printed schedule. */
  String describe() {
    StringBuilder b = new StringBuilder(name);
    for (Step s : steps) {
      b.append("\n    ").append(s.fault().name()).append(" at +").append(s.atMillis()).append(" ms for ")
          .append(s.holdMillis()).append(" ms");
    }
    return b.toString();
  }
}
