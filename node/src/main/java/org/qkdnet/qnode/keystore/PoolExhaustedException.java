package org.qkdnet.qnode.keystore;

/**
 * Not enough available pad on a sending stream. Unchecked so that it crosses actor and lambda
 * boundaries; callers that route around thin links should catch it.
 */
public final class PoolExhaustedException extends RuntimeException {
  private final StreamId stream;
  private final long requested;
  private final long available;

  public PoolExhaustedException(StreamId stream, long requested, long available) {
    super(
        "pad pool of link "
            + stream
            + " exhausted: asked for "
            + requested
            + " bytes, "
            + available
            + " available");
    this.stream = stream;
    this.requested = requested;
    this.available = available;
  }

  /** The link may not be used at all now (not yet audited with its peer, or quarantined). */
  public PoolExhaustedException(StreamId stream, long requested, String why) {
    super("link " + stream + " not usable: " + why);
    this.stream = stream;
    this.requested = requested;
    this.available = 0;
  }

  public StreamId stream() {
    return stream;
  }

  public long requested() {
    return requested;
  }

  public long available() {
    return available;
  }
}
