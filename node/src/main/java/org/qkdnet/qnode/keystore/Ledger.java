package org.qkdnet.qnode.keystore;

/**
 * Byte accounting of one directional stream as seen by this station.
 *
 * <p>Invariant (DESIGN.md §6): {@code available + reserved + used + burned == generated}. A
 * receiving stream never has reserved bytes.
 */
public record Ledger(long generated, long available, long reserved, long used, long burned) {
  public boolean balances() {
    return available >= 0
        && reserved >= 0
        && used >= 0
        && burned >= 0
        && available + reserved + used + burned == generated;
  }
}
