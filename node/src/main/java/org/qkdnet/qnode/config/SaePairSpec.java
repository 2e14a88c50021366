package org.qkdnet.qnode.config;

import java.util.Objects;

/**
 * A per-SAE-pair relay policy of the topology ({@code qnode.topology.sae-pairs}): keys from
 * {@code master} to {@code slave} use {@code paths} node-disjoint paths, whatever the origin
 * station's {@code qnode.relay.paths} says.
 */
public record SaePairSpec(String master, String slave, int paths) {
  public SaePairSpec {
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(slave, "slave");
  }
}
