package org.qkdnet.qnode.kme;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.qkdnet.qnode.crypto.KeyMaterial;

/** The KME's view of the relay layer: makes keys that a remote station holds for a slave SAE. */
public interface KeyRelayer {

  /**
   * Relayed keys and the ids the destination stores them under: the request's ids, or fresh ones
   * when the relay had to be retried over another route (ids of a failed attempt are never reused).
   */
  record RelayedKeys(List<String> keyIds, List<KeyMaterial> keys) {
    public RelayedKeys {
      keyIds = List.copyOf(keyIds);
      keys = List.copyOf(keys);
    }
  }

  /**
   * Relays one new key per id in {@code request.keyIds()}.
   *
   * <p>Completes with the keys, in order, only after the destination station has durably stored
   * them as deliverable to the slave SAE; otherwise fails with a {@link RelayFailedException} and
   * no key of the request is deliverable (all or nothing).
   */
  CompletionStage<RelayedKeys> relayKeys(RelayRequest request);

  /**
   * Best current estimate of how many key bytes can be relayed from {@code masterSae} to {@code
   * slaveSae} at {@code destinationStation} in one request, over the route(s) a request would take now.
   */
  long availableKeyBytes(String masterSae, String slaveSae, String destinationStation);
}
