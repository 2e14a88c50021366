package org.qkdnet.qnode.kme.etsi014;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Adapts the {@link CompletionStage}s that Pekko's Java API hands out.
 *
 * <p>They are Scala futures seen through {@code scala.concurrent.FutureConverters}, whose stage
 * runs every callback given without an executor ({@code thenApply}, {@code handle}, {@code
 * whenComplete}, ...) as its {@code *Async} form on the JDK's default async pool. Where the common
 * fork-join pool has a parallelism of 1 (any machine with 2 cores) that pool is a new thread per
 * callback: on the ETSI 014 server, one thread started and ended for every request body read and
 * every dec_keys answer sent.
 */
final class PekkoStages {
  /** Runs a task on the thread that hands it over (the one completing the stage). */
  private static final Executor COMPLETING_THREAD = Runnable::run;

  private PekkoStages() {}

  /**
   * A plain {@link CompletableFuture} with {@code stage}'s outcome, completed on the thread that
   * completes {@code stage} (or at once, if it is complete); callbacks chained on it without an
   * executor run there too, as they would on any stage the JDK makes. They must not block.
   */
  static <T> CompletableFuture<T> onCompletingThread(CompletionStage<T> stage) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    stage.whenCompleteAsync(
        (value, error) -> {
          if (error != null) {
            plain.completeExceptionally(error);
          } else {
            plain.complete(value);
          }
        },
        COMPLETING_THREAD);
    return plain;
  }
}
