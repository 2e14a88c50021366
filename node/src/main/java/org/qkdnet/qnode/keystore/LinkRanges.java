package org.qkdnet.qnode.keystore;

import java.util.List;

/**
 * Read-only account of one link's pad ranges at this station, for audits and chaos checks
 * (issue 9): which ranges of the sending stream were handed out and how they ended, and which
 * ranges of the receiving stream were consumed. Offsets and marks only, never key material.
 *
 * @param send the sending stream (self→peer); the receiving stream is its reverse
 * @param sent every reservation of the sending stream, by offset
 * @param sendCursor next offset of the sending stream to reserve
 * @param recvWatermark receiving stream: everything below is settled (accepted or burned, no
 *     longer told apart)
 * @param received receiving stream: the runs above the watermark, by start, each wholly USED or
 *     BURNED
 */
public record LinkRanges(StreamId send, List<Range> sent, long sendCursor, long recvWatermark, List<Range> received) {
  /** How a range ended (RESERVED: still in flight). */
  public enum Mark {
    RESERVED,
    USED,
    BURNED
  }

  /** The range {@code [start, end)} of a stream. */
  public record Range(long start, long end, Mark mark) {
    public long length() {
      return end - start;
    }
  }

  public LinkRanges {
    sent = List.copyOf(sent);
    received = List.copyOf(received);
  }

  public StreamId recv() {
    return send.reversed();
  }
}
