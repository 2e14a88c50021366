package org.qkdnet.qnode.chaos;

import java.util.List;

/**
 * One broken promise found by the {@link Checker}: the invariant (I1..I5 of DESIGN.md §8, or
 * "liveness"), what it is about (a key_ID, a pad range "ALP>BRA [0, 64)", an SAE pair), the
 * stations involved, and what was seen.
 */
record Violation(String invariant, String subject, List<String> stations, String detail) {
  Violation {
    stations = List.copyOf(stations);
  }

  @Override
  public String toString() {
    return invariant + " " + subject + " " + stations + ": " + detail;
  }
}
