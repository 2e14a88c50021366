package org.qkdnet.qnode.link;

/**
 * Whether a link's key would run out soon at its recent rate of use: what decides the tier its
 * post-processing runs on ({@link PostProcessingUrgency}). The rate counts the key both
 * directions consumed (relays, ETSI 014 keys) plus what callers asked for and did not get, as
 * an exponentially weighted average over about {@value #TAU_SECONDS} s. The link is urgent while
 * what it holds would last less than {@value #HORIZON_SECONDS} s at that rate plus a <em>reserve
 * rate</em>, and stays urgent until it would last twice as long (so the tier does not flap with
 * every relay). The reserve rate is the load a failure elsewhere may move onto this link: its
 * station passes the rate of use of its busiest other link (a relay station or a link of a route
 * lost, the surviving route takes over at once; without the reserve it ran dry within 3 s in
 * {@code FailoverRingTest}). A link nobody uses, at a station whose other links nobody uses
 * either, is never urgent, however empty: its post-processing has all the CPU relays leave.
 *
 * <p>Pure and not thread-safe: its owner ({@link DirectionSupply}) serializes the calls.
 */
final class KeyDemand {
  static final double HORIZON_SECONDS = 10;
  static final double TAU_SECONDS = 5;
  /** Updates closer together than this are skipped (relays call in after every hop). */
  static final long MIN_INTERVAL_NANOS = 100_000_000L;

  private double bytesPerSecond;
  private long lastConsumed = -1;
  private long lastNanos;
  private long lacked;
  private boolean urgent;

  /** Key callers asked for and did not get: demand that consumption does not show. */
  void lacked(long bytes) {
    if (bytes > 0) {
      lacked += bytes;
    }
  }

  /** Whether an update at {@code nowNanos} would be taken. */
  boolean due(long nowNanos) {
    return lastConsumed < 0 || nowNanos - lastNanos >= MIN_INTERVAL_NANOS;
  }

  /**
   * Takes the link's cumulative consumed bytes (both directions), the bytes it holds unused at
   * this end and the reserve rate (bytes per second a failure elsewhere may move onto it; 0 for
   * none), at {@code nowNanos}; returns whether the link is urgent now.
   */
  boolean update(long nowNanos, long consumed, long stored, double reserveBytesPerSecond) {
    double reserve = reserveBytesPerSecond > 0 && Double.isFinite(reserveBytesPerSecond) ? reserveBytesPerSecond : 0;
    if (lastConsumed < 0) {
      lastConsumed = consumed;
      lastNanos = nowNanos;
      urgent = isUrgent(false, stored, (lacked > 0 ? Double.MIN_VALUE : 0) + reserve);
      return urgent;
    }
    if (!due(nowNanos)) {
      return urgent;
    }
    double dt = (nowNanos - lastNanos) / 1e9;
    double used = Math.max(0, consumed - lastConsumed) + lacked;
    bytesPerSecond += (used / dt - bytesPerSecond) * (1 - Math.exp(-dt / TAU_SECONDS));
    lastConsumed = consumed;
    lastNanos = nowNanos;
    lacked = 0;
    urgent = isUrgent(urgent, stored, bytesPerSecond + reserve);
    return urgent;
  }

  double bytesPerSecond() {
    return bytesPerSecond;
  }

  /** {@code bytesPerSecond}: the link's own rate of use plus its reserve rate. */
  static boolean isUrgent(boolean wasUrgent, long stored, double bytesPerSecond) {
    return bytesPerSecond > 0 && stored < bytesPerSecond * (wasUrgent ? 2 * HORIZON_SECONDS : HORIZON_SECONDS);
  }
}
