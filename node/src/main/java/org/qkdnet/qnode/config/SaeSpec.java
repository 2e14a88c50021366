package org.qkdnet.qnode.config;

import java.util.List;
import java.util.Objects;

/**
 * A secure application entity registered at one station's KME; {@code id} is its certificate
 * subject. {@code peers}: the only SAEs it may share keys with, as master or slave (empty: any).
 */
public record SaeSpec(String id, String stationId, String description, List<String> peers) {
  public SaeSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(description, "description");
    peers = List.copyOf(peers);
  }

  public SaeSpec(String id, String stationId, String description) {
    this(id, stationId, description, List.of());
  }

  /** True if this SAE's own list lets it share keys with {@code other}. */
  public boolean accepts(String other) {
    return peers.isEmpty() || peers.contains(other);
  }
}
