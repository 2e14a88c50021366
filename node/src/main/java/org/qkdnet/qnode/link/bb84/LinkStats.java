package org.qkdnet.qnode.link.bb84;

import java.time.InstantSource;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-link post-processing figures of one end (thread-safe). Rates are per second of wall time
 * since the first frame this end started; QBER and efficiency are means over the frames that
 * reached the pool.
 */
public final class LinkStats {
  /**
   * An immutable copy of the figures.
   *
   * @param lastKeyMillis wall-clock time (epoch ms) the last block's key reached the pool; 0 before
   */
  public record Snapshot(double rawBps, double siftedBps, double secureBps, double qberMean, double efficiencyMean,
      long framesDone, long framesDropped, Map<String, Long> dropReasons, String reconciliationThread,
      long blocksDone, long lastKeyMillis) {}

  private static final int MAX_REASONS = 16;

  private final long startNanos;
  private final InstantSource wallClock;
  private long lastKeyMillis;
  private long firstFrameNanos = -1;
  private long rawDetections;
  private long siftedKeyBits;
  private long secureBits;
  private double qberSum;
  private double fSum;
  private long fCount;
  private long framesDone;
  private long blocksDone;
  private final Map<String, Long> dropped = new TreeMap<>();
  private volatile String reconciliationThread = "";

  public LinkStats(long nowNanos) {
    this(nowNanos, InstantSource.system());
  }

  /** @param wallClock stamps when key reached the pool (operators read it as a time of day) */
  public LinkStats(long nowNanos, InstantSource wallClock) {
    this.startNanos = nowNanos;
    this.wallClock = wallClock;
  }

  /** A raw frame of {@code detections} clicks was started. */
  public synchronized void frameStarted(long nowNanos, long detections) {
    if (firstFrameNanos < 0) {
      firstFrameNanos = nowNanos;
    }
    rawDetections += detections;
  }

  /**
   * A block of {@code frames} frames reached the pool with {@code secure} bits from {@code keyBits}
   * reconciled bits; {@code qber} is the mean of its frames' QBER.
   */
  public synchronized void blockDone(long frames, long keyBits, long secure, double qber) {
    siftedKeyBits += keyBits;
    secureBits += secure;
    qberSum += qber * frames;
    framesDone += frames;
    blocksDone++;
    if (secure > 0) {
      lastKeyMillis = wallClock.millis();
    }
  }

  /** A reconciled frame's efficiency f (NaN when it had no error to measure it). */
  public synchronized void frameReconciled(double efficiency) {
    if (Double.isFinite(efficiency)) {
      fSum += efficiency;
      fCount++;
    }
  }

  /** A frame was dropped; {@code reason} is a short public phrase (never key material). */
  public synchronized void frameDropped(String reason) {
    // numbers vary frame by frame; the kinds of reason are few (bounded map)
    String kind = reason.replaceAll("[0-9]+(\\.[0-9]+)?(e-?[0-9]+)?", "#");
    if (!dropped.containsKey(kind) && dropped.size() >= MAX_REASONS) {
      kind = "other";
    }
    dropped.merge(kind, 1L, Long::sum);
  }

  /** Records the thread the link's reconciliation actor last ran on. */
  public void reconciliationRanOn(String threadName) {
    reconciliationThread = threadName;
  }

  public synchronized Snapshot snapshot(long nowNanos) {
    double seconds = Math.max(1e-9, (nowNanos - (firstFrameNanos < 0 ? startNanos : firstFrameNanos)) / 1e9);
    long drops = dropped.values().stream().mapToLong(Long::longValue).sum();
    return new Snapshot(rawDetections / seconds, siftedKeyBits / seconds, secureBits / seconds,
        framesDone == 0 ? 0 : qberSum / framesDone, fCount == 0 ? Double.NaN : fSum / fCount,
        framesDone, drops, Map.copyOf(dropped), reconciliationThread, blocksDone, lastKeyMillis);
  }

  public Snapshot snapshot() {
    return snapshot(System.nanoTime());
  }

  @Override
  public synchronized String toString() {
    return "LinkStats[framesDone=" + framesDone + ", dropped=" + dropped + "]";
  }
}
