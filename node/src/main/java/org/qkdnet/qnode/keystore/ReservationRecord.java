package org.qkdnet.qnode.keystore;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Persisted state of one send-side reservation: RESERVED, then USED or BURNED. */
record ReservationRecord(State state, int length, String relayId) {
  enum State {
    RESERVED,
    USED,
    BURNED
  }

  ReservationRecord withState(State s) {
    return new ReservationRecord(s, length, relayId);
  }

  boolean matches(PadReservation r) {
    return length == r.length() && relayId.equals(r.relayId());
  }

  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(state.ordinal());
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(length).array());
    StoreKeys.writeString(out, relayId);
    return out.toByteArray();
  }

  static ReservationRecord decode(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b);
    int s = buf.get();
    if (s < 0 || s >= State.values().length) {
      throw new IllegalStateException("corrupt reservation record (state " + s + ")");
    }
    int length = buf.getInt();
    return new ReservationRecord(State.values()[s], length, StoreKeys.readString(buf));
  }
}
