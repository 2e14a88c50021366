package org.qkdnet.qnode.device;

/**
 * Paces fixed-size key frames at a device's secure key rate: a token bucket in bytes, driven by
 * the caller's clock (nanoseconds), so pacing is testable without waiting for time to pass.
 *
 * <p>Frames have one size per link, computed identically at both ends from the shared
 * configuration, so a frame id always names the same bytes at both ends even across restarts.
 * Tokens accrue at the device rate up to {@code maxBurstBytes}; a full pool stops the accrual,
 * as a real device pair stops when its key manager cannot take more.
 */
public final class FramePacer {
  private final double bytesPerSecond;
  private final long maxBurstBytes;
  private final int frameBytes;
  private double tokens;
  private long lastNanos;

  public FramePacer(double bitsPerSecond, int frameBytes, long maxBurstBytes, long startNanos) {
    if (!(bitsPerSecond >= 0) || frameBytes <= 0 || maxBurstBytes < frameBytes) {
      throw new IllegalArgumentException(
          "invalid pacing: rate=" + bitsPerSecond + " bit/s, frame=" + frameBytes
              + " B, maxBurst=" + maxBurstBytes + " B");
    }
    this.bytesPerSecond = bitsPerSecond / 8.0;
    this.frameBytes = frameBytes;
    this.maxBurstBytes = maxBurstBytes;
    this.lastNanos = startNanos;
  }

  /** The frame size of the link for a rate: about {@code periodMillis} of key, within bounds. */
  public static int frameBytesFor(double bitsPerSecond, long periodMillis, int minBytes, int maxBytes) {
    double bytes = bitsPerSecond / 8.0 * periodMillis / 1000.0;
    return (int) Math.max(minBytes, Math.min(maxBytes, Math.round(bytes)));
  }

  public int frameBytes() {
    return frameBytes;
  }

  /** Whether a frame is due now, given the room left in the pool. */
  public boolean due(long nowNanos, long roomBytes) {
    boolean running = roomBytes >= frameBytes;
    long dt = Math.max(0, nowNanos - lastNanos);
    lastNanos = nowNanos;
    if (running) {
      tokens = Math.min(maxBurstBytes, tokens + bytesPerSecond * dt / 1e9);
    }
    return running && tokens >= frameBytes;
  }

  /** A frame was appended. */
  public void consume() {
    tokens = Math.max(0, tokens - frameBytes);
  }
}
