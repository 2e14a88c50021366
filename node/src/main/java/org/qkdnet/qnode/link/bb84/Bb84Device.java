package org.qkdnet.qnode.link.bb84;

import org.qkdnet.qnode.device.QkdDevice;
import org.qkdnet.qnode.crypto.KeyMaterial;

/**
 * The {@link QkdDevice} face of a bb84-sim link end, for reports and pool bookkeeping: it hands
 * out no finished frames (the key comes out of post-processing); its rate is the analytic
 * finite-key rate of the same physics and block size (FiniteKeyRate), times the speedup.
 */
public final class Bb84Device implements QkdDevice {
  private final Bb84LinkEnd end;
  private final double bitsPerSecond;

  public Bb84Device(Bb84LinkEnd end, double speedup) {
    this.end = end;
    var s = end.settings();
    this.bitsPerSecond = Math.max(1.0, org.qkdnet.qnode.device.sim.FiniteKeyRate.secureBitsPerSecond(s.params(),
        end.link().km(), s.blockBits(), 1.16, s.verificationTagBits(), s.eps()) * speedup);
  }

  public Bb84LinkEnd end() {
    return end;
  }

  @Override
  public LinkEnds link() {
    return end.link();
  }

  @Override
  public double secureBitsPerSecond() {
    return bitsPerSecond;
  }

  @Override
  public KeyMaterial frame(long frameId, int bytes) {
    throw new IllegalStateException("link " + end.link()
        + " runs bb84-sim: its key comes from post-processing, not from finished frames");
  }

  @Override
  public String toString() {
    return "Bb84Device[" + end.link() + ", " + end.link().km() + " km, analytic " + Math.round(bitsPerSecond)
        + " bit/s]";
  }
}
