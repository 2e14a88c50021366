package org.qkdnet.qnode.kme;

import java.util.Objects;

/** One row of the SAE registry: the SAE {@code saeId} is served by the KME of {@code stationId}. */
public record SaeEntry(String saeId, String stationId) {
  public SaeEntry {
    Objects.requireNonNull(saeId, "saeId");
    Objects.requireNonNull(stationId, "stationId");
    if (saeId.isBlank() || stationId.isBlank()) {
      throw new IllegalArgumentException("SAE registry entry with a blank SAE id or station id");
    }
  }
}
