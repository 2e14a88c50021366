package org.qkdnet.qnode.kme;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per SAE, so that one SAE flooding the KME slows only itself. Time comes from an
 * injected nanosecond clock ({@code System::nanoTime} in production).
 */
public final class SaeThrottle {
  private final double tokensPerNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param requestsPerSecond sustained rate allowed to each SAE
   * @param burst requests an idle SAE may make at once
   */
  public SaeThrottle(double requestsPerSecond, int burst, LongSupplier nanoClock) {
    this(requestsPerSecond, (double) burst, nanoClock);
  }

  /** A bucket of any unit (requests, key bytes): {@code perSecond} sustained, {@code burst} at once. */
  public SaeThrottle(double requestsPerSecond, double burst, LongSupplier nanoClock) {
    if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException(
          "requestsPerSecond must be a positive number, was " + requestsPerSecond);
    }
    if (!(burst >= 1) || Double.isInfinite(burst)) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    this.tokensPerNano = requestsPerSecond / 1e9;
    this.burst = burst;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** Takes one request's token from {@code saeId}'s bucket; false if the bucket is empty. */
  public boolean tryAcquire(String saeId) {
    return tryAcquire(saeId, 1);
  }

  /** Takes {@code amount} tokens from {@code saeId}'s bucket; false (taking none) if it has fewer. */
  public boolean tryAcquire(String saeId, double amount) {
    Bucket b = buckets.computeIfAbsent(saeId, id -> new Bucket(burst, nanoClock.getAsLong()));
    return b.tryTake(nanoClock.getAsLong(), amount);
  }

  private final class Bucket {
    private double tokens;
    private long lastNanos;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.lastNanos = now;
    }

    synchronized boolean tryTake(long now, double amount) {
      long elapsed = Math.max(0, now - lastNanos);
      tokens = Math.min(burst, tokens + elapsed * tokensPerNano);
      lastNanos = Math.max(lastNanos, now);
      if (tokens >= amount) {
        tokens -= amount;
        return true;
      }
      return false;
    }
  }
}
