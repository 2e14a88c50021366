package org.qkdnet.qnode.postprocessing.estimation;

import java.util.Objects;

/**
 * What parameter estimation sees of a frame or of a block of frames: sifted detections per basis
 * and intensity class, and the errors of the test basis, found by comparing its bits in the open.
 * The key basis is Z (every sifted Z-basis bit, of any class, is raw key and never disclosed); the
 * test basis is X (every sifted X-basis bit is disclosed). In the notation of Lim et al. 2014,
 * whose key basis is called X: {@code zDetections} are n_{X,k}, {@code xDetections} n_{Z,k} and
 * {@code xErrors} m_{Z,k}.
 *
 * @param zDetections sifted Z-basis detections per class (the raw key)
 * @param xDetections sifted X-basis detections per class
 * @param xErrors X-basis detections whose bits differ between the two ends
 * @param frames frames counted
 */
public record BlockCounts(PerClass zDetections, PerClass xDetections, PerClass xErrors, long frames) {
  public static final BlockCounts EMPTY = new BlockCounts(PerClass.ZERO, PerClass.ZERO, PerClass.ZERO, 0);

  public BlockCounts {
    Objects.requireNonNull(zDetections, "zDetections");
    Objects.requireNonNull(xDetections, "xDetections");
    Objects.requireNonNull(xErrors, "xErrors");
    if (!xErrors.within(xDetections)) {
      throw new IllegalArgumentException("more X-basis errors " + xErrors + " than detections " + xDetections);
    }
    if (frames < 0) {
      throw new IllegalArgumentException("frames must be >= 0, got " + frames);
    }
  }

  /** Raw key bits: every sifted Z-basis detection. */
  public long keyBits() {
    return zDetections.total();
  }

  /** Error rate of the X-basis bits of class signal (the frame's QBER as the test basis shows it). */
  public double signalXErrorRate() {
    return xDetections.signal() == 0 ? 0 : (double) xErrors.signal() / xDetections.signal();
  }

  /** Error rate of all X-basis bits. */
  public double xErrorRate() {
    long n = xDetections.total();
    return n == 0 ? 0 : (double) xErrors.total() / n;
  }

  public BlockCounts plus(BlockCounts o) {
    return new BlockCounts(zDetections.plus(o.zDetections), xDetections.plus(o.xDetections),
        xErrors.plus(o.xErrors), Math.addExact(frames, o.frames));
  }
}
