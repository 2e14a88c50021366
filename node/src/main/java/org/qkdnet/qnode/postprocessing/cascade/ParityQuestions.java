package org.qkdnet.qnode.postprocessing.cascade;

import java.util.Arrays;

/**
 * One round of Bob's parity questions for one frame, all in one message.
 *
 * @param frameId the frame
 * @param round 1-based round number; Alice answers each round once, in order
 * @param passStarts flat pairs {@code (pass, blockSize)}: "the parity of every block of this
 *     pass", blocks being {@code [j·blockSize, (j+1)·blockSize)} of the pass order, the last one
 *     cut at the padded frame length
 * @param ranges flat triples {@code (pass, start, end)}: "the parity of positions
 *     {@code [start, end)} of this pass's order" (binary-search halves)
 */
public record ParityQuestions(long frameId, int round, int[] passStarts, int[] ranges) {
  public ParityQuestions {
    if (passStarts.length % 2 != 0) {
      throw new IllegalArgumentException("passStarts must hold (pass, blockSize) pairs, got "
          + passStarts.length + " ints");
    }
    if (ranges.length % 3 != 0) {
      throw new IllegalArgumentException("ranges must hold (pass, start, end) triples, got "
          + ranges.length + " ints");
    }
  }

  public int passStartCount() {
    return passStarts.length / 2;
  }

  public int rangeCount() {
    return ranges.length / 3;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParityQuestions q && q.frameId == frameId && q.round == round
        && Arrays.equals(q.passStarts, passStarts) && Arrays.equals(q.ranges, ranges);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(frameId) * 31 + round * 17 + Arrays.hashCode(passStarts) * 7
        + Arrays.hashCode(ranges);
  }

  @Override
  public String toString() {
    return "ParityQuestions[frame=" + frameId + ", round=" + round + ", passStarts="
        + passStartCount() + ", ranges=" + rangeCount() + "]";
  }
}
