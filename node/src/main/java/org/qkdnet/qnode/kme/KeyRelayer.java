package org.qkdnet.qnode.kme;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.qkdnet.qnode.crypto.KeyMaterial;

/** The KME's view of the relay layer: makes keys that a remote station holds for a slave SAE. */
public interface KeyRelayer {

  /**
   * Relays one new key per id in {@code request.keyIds()}.
   *
   * <p>Completes with the keys, in the order of the ids, only after the destination station has
   * durably stored them as deliverable to the slave SAE; otherwise fails with a {@link
   * RelayFailedException} and no key of the request is deliverable (all or nothing).
   */
  CompletionStage<List<KeyMaterial>> relayKeys(RelayRequest request);

  /** Best current estimate of how many key bytes can be relayed to {@code destinationStation}. */
  long availableKeyBytes(String destinationStation);
}
