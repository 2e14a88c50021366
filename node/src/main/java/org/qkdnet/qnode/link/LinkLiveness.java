package org.qkdnet.qnode.link;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When each neighbour's LinkService last answered this station (monotonic time): a link is
 * usable for relays only while its far end answers. Thread-safe.
 */
public final class LinkLiveness {
  private final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();
  private final LongSupplier nanoTicker;
  private final long staleAfterNanos;

  public LinkLiveness(long staleAfterNanos, LongSupplier nanoTicker) {
    this.staleAfterNanos = staleAfterNanos;
    this.nanoTicker = nanoTicker;
  }

  public void answered(String peer) {
    lastAnswer.put(peer, nanoTicker.getAsLong());
  }

  /** The neighbour's answers stop counting at once (a transport failure), not only when they age. */
  public void failed(String peer) {
    lastAnswer.remove(peer);
  }

  public boolean isAnswering(String peer) {
    Long t = lastAnswer.get(peer);
    return t != null && nanoTicker.getAsLong() - t <= staleAfterNanos;
  }
}
