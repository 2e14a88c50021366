package org.qkdnet.qnode.keystore;

import java.nio.ByteBuffer;

/**
 * A link's epoch as one end records it: the random id both ends agreed on, and this end's used
 * counters when the epoch began (a re-key starts a new epoch; audits compare what each end used
 * in the current epoch only, because a rolled-back end's older history is gone for good).
 *
 * @param epoch the epoch id; 0: none agreed yet
 * @param sendUsedBase bytes of the sending stream settled USED before this epoch began
 * @param recvUsedBase bytes of the receiving stream accepted before this epoch began
 */
record LinkEpoch(long epoch, long sendUsedBase, long recvUsedBase) {
  static final LinkEpoch NONE = new LinkEpoch(0, 0, 0);

  byte[] encode() {
    return ByteBuffer.allocate(3 * Long.BYTES).putLong(epoch).putLong(sendUsedBase).putLong(recvUsedBase).array();
  }

  /** Reads a record; the first stores kept the epoch id alone (8 bytes), with no used bases. */
  static LinkEpoch decode(byte[] b) {
    if (b == null) {
      return NONE;
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    return switch (b.length) {
      case Long.BYTES -> new LinkEpoch(buf.getLong(), 0, 0);
      case 3 * Long.BYTES -> new LinkEpoch(buf.getLong(), buf.getLong(), buf.getLong());
      default -> throw new IllegalStateException("corrupt link epoch record: " + b.length + " bytes");
    };
  }
}
