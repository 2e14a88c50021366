package org.qkdnet.qnode.relay;

/** A range of the directional pad stream {@code from -> to} of one link. Offsets are public. */
public record PadRange(String from, String to, long offset, int length) {
  public long end() {
    return offset + length;
  }
}
