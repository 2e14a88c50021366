package org.qkdnet.qnode.kme;

/** Which SAE pairs may share keys (the topology's {@code saes[].peers}). */
@FunctionalInterface
public interface AccessPolicy {
  /** Every registered pair. */
  AccessPolicy ANY = (master, slave) -> true;

  boolean allows(String masterSae, String slaveSae);
}
