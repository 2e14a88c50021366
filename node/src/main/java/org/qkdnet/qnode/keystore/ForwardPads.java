package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.KeyMaterial;
import java.util.Objects;

/**
 * What a transit station gets from {@link StationKeyStore#acceptAndReserve}: the pad of the
 * accepted incoming range and the durable reservation toward the next station with its pad. The
 * holder owns both pads; {@link #close} zeroizes them.
 */
public record ForwardPads(KeyMaterial incoming, PadReservation outgoing, KeyMaterial outgoingPad)
    implements AutoCloseable {
  public ForwardPads {
    Objects.requireNonNull(incoming, "incoming");
    Objects.requireNonNull(outgoing, "outgoing");
    Objects.requireNonNull(outgoingPad, "outgoingPad");
  }

  @Override
  public void close() {
    incoming.zeroize();
    outgoingPad.zeroize();
  }
}
