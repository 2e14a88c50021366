package org.qkdnet.qnode.device.sim;

/**
 * How Alice's choices for one slot (intensity class, basis, bit) are read from the slot's
 * 64-bit counter-based value: top 32 bits pick the class, the next 31 the basis, the lowest
 * the bit. Shared by her view and by the channel, which must see the photon she sent.
 */
final class Preparation {
  private final long signalBelow;
  private final long decoyBelow;
  private final long zBelow;
  private final double[] probability = new double[3];

  Preparation(Bb84Parameters p) {
    signalBelow = Math.round(p.signalProbability() * 0x1p32);
    decoyBelow = Math.round((p.signalProbability() + p.decoyProbability()) * 0x1p32);
    zBelow = Math.round(p.zBasisProbability() * 0x1p31);
    for (Intensity k : Intensity.values()) {
      probability[k.ordinal()] = p.probability(k);
    }
  }

  long value(long aliceKey, long slot) {
    return CounterRandom.at(aliceKey, slot);
  }

  /** 0 signal, 1 decoy, 2 vacuum: one for each class threshold passed, without branches. */
  int intensity(long v) {
    return (int) ((notSignalMask(v) & 1) + (vacuumMask(v) & 1));
  }

  /** -1 (all ones) unless {@code v} is a signal pulse, else 0; no branch. */
  long notSignalMask(long v) {
    return (signalBelow - 1 - (v >>> 32)) >> 63;
  }

  /** -1 (all ones) if {@code v} is a vacuum pulse, else 0; no branch. */
  long vacuumMask(long v) {
    return (decoyBelow - 1 - (v >>> 32)) >> 63;
  }

  /** 1 for the X basis, 0 for Z, without branches. */
  long xBasisBit(long v) {
    return ((zBelow - 1 - ((v >>> 1) & 0x7FFF_FFFFL)) >>> 63);
  }

  boolean xBasis(long v) {
    return ((v >>> 1) & 0x7FFF_FFFFL) >= zBelow;
  }

  int bit(long v) {
    return (int) (v & 1);
  }

  double probability(int intensity) {
    return probability[intensity];
  }
}
