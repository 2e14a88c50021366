package org.qkdnet.qnode.keystore;

/** An incoming pad range was refused; nothing in the store changed. */
public final class PadRangeRejectedException extends RuntimeException {
  /** Why a receiver refused a pad range. */
  public enum Reason {
    /** The range reaches beyond the pad generated so far on this stream. */
    NOT_GENERATED_YET,
    /** Some byte of the range was already accepted or burned: a replay or a sender bug. */
    OVERLAPS_USED,
    /** Negative offset, non-positive length, or an overflowing end. */
    INVALID_RANGE,
    /** The link is not yet audited with its peer since this store opened, or is quarantined. */
    LINK_BLOCKED
  }

  private final Reason reason;

  public PadRangeRejectedException(Reason reason, StreamId stream, long offset, long length) {
    super(
        "pad range ["
            + offset
            + ", +"
            + length
            + ") of stream "
            + stream
            + " rejected: "
            + reason);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
