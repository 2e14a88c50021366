package org.qkdnet.qnode.keystore;

import java.util.Objects;

/** Pad bytes {@code [offset, offset+length)} of a sending stream, reserved for one relay. */
public record PadReservation(StreamId stream, long offset, int length, String relayId) {
  public PadReservation {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(relayId, "relayId");
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException(
          "bad reservation range: offset " + offset + ", length " + length);
    }
  }

  public long end() {
    return offset + length;
  }
}
