package org.qkdnet.qnode.link;

import java.util.concurrent.CompletionStage;

/** Alice's side of the frame synchronisation: tells Bob which frame comes next. */
public interface FrameTransport {
  /** Completes exceptionally when Bob cannot be reached. */
  CompletionStage<FrameAnnounceResult> announce(String peer, long frameId, int frameBytes);

  /**
   * Liveness check of the peer's LinkService; also keeps the TLS channel toward it established,
   * so the first relay over the link does not pay for the handshake.
   */
  CompletionStage<String> ping(String peer);
}
