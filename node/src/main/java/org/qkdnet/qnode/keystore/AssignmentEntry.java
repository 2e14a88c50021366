package org.qkdnet.qnode.keystore;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One step of a link's direction assignment (docs/key-supply.md): link key bytes
 * {@code [linkOffset, linkOffset+length)} become pad of the directional stream toward
 * {@code toStation}, at {@code streamOffset} of that stream. Entries are numbered {@code seq}
 * = 0, 1, 2, ... per link; only the link's assigner (its lower station id) creates them, the other
 * end applies them in order, so both ends derive identical streams and no byte ever goes to both
 * directions. Offsets and lengths are public; the bytes they name never appear here.
 */
public record AssignmentEntry(long seq, long linkOffset, int length, String toStation, long streamOffset) {
  public AssignmentEntry {
    Objects.requireNonNull(toStation, "toStation");
    if (seq < 0 || linkOffset < 0 || length <= 0 || streamOffset < 0) {
      throw new IllegalArgumentException("bad assignment entry: seq " + seq + ", link offset " + linkOffset
          + ", length " + length + ", stream offset " + streamOffset);
    }
  }

  public long linkEnd() {
    return linkOffset + length;
  }

  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(40);
    out.writeBytes(ByteBuffer.allocate(3 * Long.BYTES + Integer.BYTES).putLong(seq).putLong(linkOffset)
        .putInt(length).putLong(streamOffset).array());
    StoreKeys.writeString(out, toStation);
    return out.toByteArray();
  }

  static AssignmentEntry decode(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b);
    long seq = buf.getLong();
    long linkOffset = buf.getLong();
    int length = buf.getInt();
    long streamOffset = buf.getLong();
    return new AssignmentEntry(seq, linkOffset, length, StoreKeys.readString(buf), streamOffset);
  }
}
