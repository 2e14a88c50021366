package org.qkdnet.qnode.link.bb84;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Alice's entry to her link's reconciliation actor, for LinkService's Reconcile handler. */
@FunctionalInterface
public interface ParityAnswerer {
  /** Answers a validated batch: one answer per round, in order (a frame Alice cannot answer gets an error). */
  CompletionStage<List<CascadeBatch.Answer>> answer(List<CascadeBatch.Round> rounds);
}
