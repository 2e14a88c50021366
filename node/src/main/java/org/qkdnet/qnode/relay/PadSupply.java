package org.qkdnet.qnode.relay;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Pad of a sending direction on demand: the link layer assigns fresh key to the direction that
 * needs it (docs/key-supply.md), which may take one exchange with the neighbour.
 */
public interface PadSupply {
  /** No key supply: only what is assigned already can be reserved (tests of the relay alone). */
  PadSupply NONE = new PadSupply() {
    @Override
    public CompletionStage<Boolean> ensure(String peer, int bytes) {
      return CompletableFuture.completedFuture(false);
    }

    @Override
    public void replenish(String peer) {}
  };

  /**
   * Completes with true once at least {@code bytes} toward {@code peer} can be reserved, false if
   * the link cannot provide them now. Never completes exceptionally.
   */
  CompletionStage<Boolean> ensure(String peer, int bytes);

  /** Pad toward {@code peer} was consumed: refill ahead of need if due. Returns at once. */
  void replenish(String peer);
}
