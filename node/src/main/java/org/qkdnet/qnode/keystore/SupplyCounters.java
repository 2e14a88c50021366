package org.qkdnet.qnode.keystore;

import java.nio.ByteBuffer;

/**
 * Persisted link-level counters of the key supply (one record per link, immutable like
 * {@link StreamCounters}: computed, written, then swapped in).
 *
 * @param linkBytes key bytes of every frame appended to the link so far (the link stream)
 * @param assignedUpTo link bytes below this offset are assigned to a direction
 * @param nextSeq assigner: the seq of the next entry it creates; other end: the next it applies
 * @param peerNextSeq assigner only: every entry below this seq is known applied by the peer
 *     (written without its own fsync: a lost update only makes the assigner push entries again)
 */
record SupplyCounters(long linkBytes, long assignedUpTo, long nextSeq, long peerNextSeq) {
  static final SupplyCounters EMPTY = new SupplyCounters(0, 0, 0, 0);
  private static final int SIZE = 4 * Long.BYTES;

  long unassigned() {
    return linkBytes - assignedUpTo;
  }

  SupplyCounters plusFrame(long bytes) {
    return new SupplyCounters(linkBytes + bytes, assignedUpTo, nextSeq, peerNextSeq);
  }

  SupplyCounters assigned(long bytes, long entries) {
    return new SupplyCounters(linkBytes, assignedUpTo + bytes, nextSeq + entries, peerNextSeq);
  }

  SupplyCounters withPeerNextSeq(long s) {
    return new SupplyCounters(linkBytes, assignedUpTo, nextSeq, s);
  }

  byte[] encode() {
    return ByteBuffer.allocate(SIZE).putLong(linkBytes).putLong(assignedUpTo).putLong(nextSeq)
        .putLong(peerNextSeq).array();
  }

  static SupplyCounters decode(byte[] b) {
    if (b.length != SIZE) {
      throw new IllegalStateException("corrupt supply counters: " + b.length + " bytes");
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    return new SupplyCounters(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
  }
}
