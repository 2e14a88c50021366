package org.qkdnet.qnode.postprocessing.estimation;

import java.util.Locale;
import java.util.Optional;

/**
 * The per-frame gate before Cascade: a frame whose X-basis signal bits show a QBER above the
 * abort threshold is dropped at once (at 11 % BB84 with one-way post-processing distils nothing,
 * so reconciling it would only leak), as is a frame without raw key or without X-basis signal
 * bits to estimate its QBER. Everything else is decided over the block by {@link FiniteKeyBound}.
 */
public final class FrameCheck {
  /** 11 %: above this, BB84 with one-way post-processing distils no key even from single photons. */
  public static final double DEFAULT_ABORT_QBER = 0.11;

  private final double abortQber;

  public FrameCheck(double abortQber) {
    if (!(abortQber > 0 && abortQber <= 0.5)) {
      throw new IllegalArgumentException("abort QBER must be in (0, 0.5], got " + abortQber);
    }
    this.abortQber = abortQber;
  }

  public Estimate check(long frame, BlockCounts c) {
    double qber = c.signalXErrorRate();
    Optional<String> drop = Optional.empty();
    if (c.xDetections().signal() == 0) {
      drop = Optional.of("no X-basis signal bits to estimate the QBER");
    } else if (qber > abortQber) {
      drop = Optional.of(String.format(Locale.ROOT, "QBER %.4f above abort threshold %.4f", qber, abortQber));
    } else if (c.keyBits() == 0) {
      drop = Optional.of("no raw key bits");
    }
    return new Estimate(frame, c, qber, drop);
  }
}
