package org.qkdnet.qnode.kme;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Fair shares of scarce route key among the SAE pairs that ask for it at one KME. While a
 * route holds plenty of key every request is admitted; once it runs low, a pair that used more
 * than the average of the pairs asking in the last window is refused (503) until the others have
 * caught up, so one SAE flooding a route cannot starve another on the same route (max-min fair
 * over the window). Pure logic with an injected nanosecond clock.
 *
 * <p>Pairs are registered SAE pairs (checked before), so the map is bounded by the registry;
 * pairs silent for a whole window are dropped.
 */
public final class FairShare {
  private final long windowNanos;
  private final long scarceBelowBytes;
  private final LongSupplier nanoClock;
  private final Map<String, Usage> pairs = new HashMap<>();

  private static final class Usage {
    long lastAsked;
    /** Bytes admitted in the current window, decayed: halves every half window. */
    double bytes;
    long lastDecay;
  }

  /**
   * @param window how far back usage counts (and how long a pair that asked counts as active)
   * @param scarceBelowBytes route key below which shares are enforced
   */
  public FairShare(Duration window, long scarceBelowBytes, LongSupplier nanoClock) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive: " + window);
    }
    if (scarceBelowBytes < 0) {
      throw new IllegalArgumentException("scarceBelowBytes must not be negative: " + scarceBelowBytes);
    }
    this.windowNanos = window.toNanos();
    this.scarceBelowBytes = scarceBelowBytes;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /**
   * Admits (and counts) a request of {@code bytes} of key for {@code pair} when the route holds
   * {@code availableBytes}; false if the pair is above its share while key is scarce.
   */
  public synchronized boolean admit(String pair, long bytes, long availableBytes) {
    long now = nanoClock.getAsLong();
    Usage mine = pairs.computeIfAbsent(pair, p -> {
      Usage u = new Usage();
      u.lastDecay = now;
      return u;
    });
    mine.lastAsked = now;
    int active = 0;
    double total = 0;
    for (Iterator<Usage> it = pairs.values().iterator(); it.hasNext(); ) {
      Usage u = it.next();
      decay(u, now);
      if (now - u.lastAsked > windowNanos) {
        it.remove();
        continue;
      }
      active++;
      total += u.bytes;
    }
    boolean scarce = availableBytes < scarceBelowBytes;
    if (scarce && active > 1 && mine.bytes > total / active) {
      return false;
    }
    mine.bytes += bytes;
    return true;
  }

  /** Pairs that asked within the window (for tests and status). */
  public synchronized int activePairs() {
    long now = nanoClock.getAsLong();
    return (int) pairs.values().stream().filter(u -> now - u.lastAsked <= windowNanos).count();
  }

  private void decay(Usage u, long now) {
    long elapsed = now - u.lastDecay;
    if (elapsed <= 0) {
      return;
    }
    u.bytes *= Math.pow(0.5, elapsed / (windowNanos / 2.0));
    u.lastDecay = now;
  }
}
