package org.qkdnet.qnode.keystore;

import java.util.Objects;

/**
 * One directional pad stream of a link: the pad that {@code from} uses to send to {@code to}.
 *
 * <p>Splitting a link's key into two streams lets each end allocate pad for what it sends
 * without asking the other (DESIGN.md §6).
 */
public record StreamId(String from, String to) {
  /** Station ids are stored length-prefixed; the cap keeps keys small and the prefix short. */
  static final int MAX_ID_LENGTH = 200;

  public StreamId {
    checkStationId(from, "from");
    checkStationId(to, "to");
    if (from.equals(to)) {
      throw new IllegalArgumentException("stream from a station to itself: " + from);
    }
  }

  /** The stream in the opposite direction of the same link. */
  public StreamId reversed() {
    return new StreamId(to, from);
  }

  static void checkStationId(String id, String what) {
    Objects.requireNonNull(id, what);
    if (id.isBlank() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          what + " station id must be 1.." + MAX_ID_LENGTH + " non-blank characters: '" + id + "'");
    }
  }

  @Override
  public String toString() {
    return from + "->" + to;
  }
}
