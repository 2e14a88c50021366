package org.qkdnet.qnode.postprocessing.estimation;

import java.util.Objects;
import org.qkdnet.qnode.device.sim.Intensity;
import org.qkdnet.qnode.postprocessing.sifting.BitString;
import org.qkdnet.qnode.postprocessing.sifting.SiftedFrame;

/**
 * The counts of one frame that decoy-state estimation needs; both ends compute the same record
 * from their sifted frames and the other end's disclosed bits.
 *
 * @param basisMatchProbability p_Z^2 + p_X^2: only matching-basis clicks are counted, so gains
 *     are clicks / (pulses * this)
 * @param keyBits raw key bits (signal class, Z basis)
 */
public record FrameStatistics(long frame, ClassCounts signal, ClassCounts decoy, ClassCounts vacuum,
    long keyBits, double basisMatchProbability) {

  public FrameStatistics {
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(decoy, "decoy");
    Objects.requireNonNull(vacuum, "vacuum");
    if (!(basisMatchProbability > 0 && basisMatchProbability <= 1)) {
      throw new IllegalArgumentException("basis match probability must be in (0, 1], got " + basisMatchProbability);
    }
    if (keyBits < 0 || keyBits + signal.disclosed() > signal.matchedClicks()) {
      throw new IllegalArgumentException("key bits (" + keyBits + ") plus disclosed signal bits ("
          + signal.disclosed() + ") exceed the signal clicks (" + signal.matchedClicks() + ")");
    }
  }

  /** Pulses Alice sent per class in one frame (her source log). */
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
  public static FrameStatistics tally(SiftedFrame own, BitString peerDisclosed, SentPulses sent,
      double basisMatchProbability) {
    if (peerDisclosed.length() != own.disclosedLength()) {
      throw new IllegalArgumentException("peer disclosed " + peerDisclosed.length() + " bits, expected "
          + own.disclosedLength());
    }
    BitString mine = own.disclosedBits();
    long[] clicks = new long[3];
    long[] disclosed = new long[3];
    long[] errors = new long[3];
    int d = 0;
    for (int i = 0; i < own.size(); i++) {
      int k = own.intensity(i).ordinal();
      clicks[k]++;
      if (!own.isKey(i)) {
        disclosed[k]++;
        errors[k] += mine.get(d) != peerDisclosed.get(d) ? 1 : 0;
        d++;
      }
    }
    int s = Intensity.SIGNAL.ordinal();
    int v = Intensity.DECOY.ordinal();
    int z = Intensity.VACUUM.ordinal();
    return new FrameStatistics(own.frame(),
        new ClassCounts(sent.signal(), clicks[s], disclosed[s], errors[s]),
        new ClassCounts(sent.decoy(), clicks[v], disclosed[v], errors[v]),
        new ClassCounts(sent.vacuum(), clicks[z], disclosed[z], errors[z]),
        own.keyLength(), basisMatchProbability);
  }

  /** Counts of this frame and {@code o} together (estimation over a block of frames). */
  public FrameStatistics plus(FrameStatistics o) {
    if (o.basisMatchProbability != basisMatchProbability) {
      throw new IllegalArgumentException("cannot add frames with different basis match probabilities");
    }
    return new FrameStatistics(frame, signal.plus(o.signal), decoy.plus(o.decoy), vacuum.plus(o.vacuum),
        keyBits + o.keyBits, basisMatchProbability);
  }
}
