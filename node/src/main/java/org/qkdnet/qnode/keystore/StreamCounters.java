package org.qkdnet.qnode.keystore;

import java.nio.ByteBuffer;

/**
 * Persisted byte counters of one stream. Immutable so that a change is computed, written
 * (synced), and only then swapped in: a failed write leaves memory untouched.
 *
 * @param cursor sending side: next offset to reserve (everything below is reserved/used/burned)
 * @param watermark receiving side: everything below is settled (consumed, no longer reclassified)
 */
record StreamCounters(
    long generated, long cursor, long reserved, long used, long burned, long watermark) {
  static final StreamCounters EMPTY = new StreamCounters(0, 0, 0, 0, 0, 0);
  private static final int SIZE = 6 * Long.BYTES;

  StreamCounters withGenerated(long g) {
    return new StreamCounters(g, cursor, reserved, used, burned, watermark);
  }

  StreamCounters plus(long dCursor, long dReserved, long dUsed, long dBurned) {
    return new StreamCounters(
        generated, cursor + dCursor, reserved + dReserved, used + dUsed, burned + dBurned,
        watermark);
  }

  StreamCounters withWatermark(long w) {
    return new StreamCounters(generated, cursor, reserved, used, burned, w);
  }

  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .putLong(generated)
        .putLong(cursor)
        .putLong(reserved)
        .putLong(used)
        .putLong(burned)
        .putLong(watermark)
        .array();
  }

  static StreamCounters decode(byte[] b) {
    if (b.length != SIZE) {
      throw new IllegalStateException("corrupt stream counters: " + b.length + " bytes");
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    return new StreamCounters(
        buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
  }
}
