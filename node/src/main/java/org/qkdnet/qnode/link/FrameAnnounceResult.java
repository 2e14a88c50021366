package org.qkdnet.qnode.link;

/** Bob's answer to Alice's announce of a key frame. */
public record FrameAnnounceResult(Outcome outcome, String detail, long nextFrameId) {
  public enum Outcome {
    APPENDED,
    POOL_FULL,
    REJECTED
  }
}
