package org.qkdnet.qnode.postprocessing.estimation;

import org.qkdnet.qnode.postprocessing.sifting.BitString;
import org.qkdnet.qnode.postprocessing.sifting.SiftedFrame;

/**
 * The counts of one frame that parameter estimation needs; both ends compute the same record
 * from their sifted frames and the other end's disclosed (X-basis) bits.
 */
public final class FrameStatistics {
  private FrameStatistics() {}

  /** Pulses Alice sent per class in one frame (her source log; figures only, not the bound). */
  public record SentPulses(long signal, long decoy, long vacuum) {
    public SentPulses {
      if (signal < 0 || decoy < 0 || vacuum < 0) {
        throw new IllegalArgumentException("pulse counts must be >= 0");
      }
    }
  }

  /**
   * Counts of {@code own} against the other end's disclosed bits {@code peerDisclosed} (same
   * order: {@link SiftedFrame#disclosedBits()} of the other end).
   */
  public static BlockCounts tally(SiftedFrame own, BitString peerDisclosed) {
    if (peerDisclosed.length() != own.disclosedLength()) {
      throw new IllegalArgumentException("peer disclosed " + peerDisclosed.length() + " bits, expected "
          + own.disclosedLength());
    }
    BitString mine = own.disclosedBits();
    long[] z = own.countsPerClass();
    long[] x = new long[3];
    long[] errors = new long[3];
    int d = 0;
    // Only the disclosed (X-basis) positions are visited, a minority; every other one is a key bit.
    for (int i = own.nextX(0); i >= 0; i = own.nextX(i + 1)) {
      int k = own.intensity(i).ordinal();
      x[k]++;
      errors[k] += mine.get(d) != peerDisclosed.get(d) ? 1 : 0;
      d++;
    }
    for (int k = 0; k < 3; k++) {
      z[k] -= x[k];
    }
    return new BlockCounts(PerClass.of(z), PerClass.of(x), PerClass.of(errors), 1);
  }
}
