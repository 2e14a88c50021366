package org.qkdnet.qnode.link.bb84;

import java.util.concurrent.CompletionStage;

/** Alice's entry to her link's reconciliation actor, for LinkService's Reconcile handler. */
@FunctionalInterface
public interface ParityAnswerer {
  CompletionStage<byte[]> answer(long raw, byte[] questions);
}
