package org.qkdnet.qnode.relay;

import java.util.concurrent.CompletionStage;

/** Sends a hop to {@code message.receiver()}; implemented over gRPC by {@code linkservice}. */
public interface HopTransport {
  /**
   * Completes with the downstream outcome; transport failures complete with a failed outcome
   * (UNREACHABLE, TIMEOUT), never exceptionally.
   */
  CompletionStage<RelayOutcome> send(HopMessage message, long timeoutMillis);
}
