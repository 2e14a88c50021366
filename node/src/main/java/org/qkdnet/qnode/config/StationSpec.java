package org.qkdnet.qnode.config;

import java.util.Objects;

/**
 * One station of the topology. Field values are checked by {@link TopologySpec}, which knows
 * the station's position in the list and can therefore name the exact key in its errors.
 */
public record StationSpec(String id, String name, Role role, double lat, double lon) {
  public StationSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
  }
}
