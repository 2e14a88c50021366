package org.qkdnet.qnode.routing;

/** A link end's own view of one of its links, as published cluster-wide. */
public enum LinkStatus {
  /** LinkService answers and both directions hold live key (or can get it from unassigned key). */
  UP,
  /** The peer's LinkService does not answer, or the link holds less than one relay's worth of key. */
  DOWN,
  /** Taken out of service by an operator: no key generation, no relay. */
  ADMIN_DOWN,
  /** The two ends disagree about the link's state (rollback, wipe): no relay until re-keyed. */
  QUARANTINED
}
