package org.qkdnet.qnode.keystore;

/**
 * How far one end of a link has come (counters only, never key material), exchanged to re-key a
 * quarantined link (issue 10 item 2): both ends restart every counter at the higher of the two
 * ends' values, so a store that was rolled back or wiped can never hand out, accept or derive
 * again anything the other end already had.
 *
 * @param nextFrame the next key frame id (frames are derived or numbered from it)
 * @param linkBytes key bytes the link ever generated (the unassigned link stream's end)
 * @param nextSeq the next direction-assignment entry
 * @param sendEnd this end's sending stream: offsets below were generated, assigned or handed out
 * @param recvEnd this end's receiving stream: offsets below were generated, accepted or burned
 */
public record LinkPosition(long nextFrame, long linkBytes, long nextSeq, long sendEnd, long recvEnd) {

  public LinkPosition {
    if (nextFrame < 0 || linkBytes < 0 || nextSeq < 0 || sendEnd < 0 || recvEnd < 0) {
      throw new IllegalArgumentException("link position counters must not be negative: " + this);
    }
  }

  /**
   * The position both ends restart from, as seen from the end whose own position is {@code mine}:
   * every counter the higher of the two; this end's sending stream is the peer's receiving one.
   * The peer computes {@code agreed(theirs, mine)}, the mirror image of the same point.
   */
  public static LinkPosition agreed(LinkPosition mine, LinkPosition theirs) {
    return new LinkPosition(Math.max(mine.nextFrame, theirs.nextFrame), Math.max(mine.linkBytes, theirs.linkBytes),
        Math.max(mine.nextSeq, theirs.nextSeq), Math.max(mine.sendEnd, theirs.recvEnd),
        Math.max(mine.recvEnd, theirs.sendEnd));
  }

  /** True if no counter of this position is behind {@code other}'s (the same end's). */
  public boolean notBehind(LinkPosition other) {
    return nextFrame >= other.nextFrame && linkBytes >= other.linkBytes && nextSeq >= other.nextSeq
        && sendEnd >= other.sendEnd && recvEnd >= other.recvEnd;
  }
}
