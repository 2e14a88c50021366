package org.qkdnet.qnode.config;

import java.util.Objects;

/** A secure application entity registered at one station's KME; {@code id} is its certificate subject. */
public record SaeSpec(String id, String stationId, String description) {
  public SaeSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(description, "description");
  }
}
