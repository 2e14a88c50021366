package org.qkdnet.qnode.postprocessing.cascade;

import java.util.Arrays;

/**
 * Alice's parity bits for one {@link ParityQuestions}, bit-packed like {@link BitString}: first
 * every block parity of every pass start (in question order), then one bit per range.
 *
 * @param count number of parity bits, each one disclosed to the public channel
 */
public record ParityAnswers(long frameId, int round, int count, long[] bits) {
  public ParityAnswers {
    if (count < 0 || bits.length != BitString.wordsFor(count)) {
      throw new IllegalArgumentException(
          "answer of " + count + " bits needs " + BitString.wordsFor(Math.max(count, 0))
              + " words, got " + bits.length);
    }
  }

  public int bit(int i) {
    java.util.Objects.checkIndex(i, count);
    return BitString.bit(bits, i);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParityAnswers a && a.frameId == frameId && a.round == round
        && a.count == count && Arrays.equals(a.bits, bits);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(frameId) * 31 + round * 17 + count * 7 + Arrays.hashCode(bits);
  }

  @Override
  public String toString() {
    return "ParityAnswers[frame=" + frameId + ", round=" + round + ", bits=" + count + "]";
  }
}
