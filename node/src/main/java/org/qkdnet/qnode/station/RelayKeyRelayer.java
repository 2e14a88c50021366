package org.qkdnet.qnode.station;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.kme.KeyRelayer;
import org.qkdnet.qnode.kme.RelayFailedException;
import org.qkdnet.qnode.kme.RelayRequest;
import org.qkdnet.qnode.relay.RelayEngine;
import org.qkdnet.qnode.relay.RelayException;
import org.qkdnet.qnode.relay.RelayOutcome;

/** Adapts the relay engine to the KME's port: relay failures become RelayFailedException. */
final class RelayKeyRelayer implements KeyRelayer {
  private static final int MAC_KEY_BYTES = 32;

  private final RelayEngine engine;
  private final RelayEngine.Directory directory;
  private final StationKeyStore store;
  private final RelayStats stats;

  RelayKeyRelayer(RelayEngine engine, RelayEngine.Directory directory, StationKeyStore store, RelayStats stats) {
    this.engine = engine;
    this.directory = directory;
    this.store = store;
    this.stats = stats;
  }

  @Override
  public CompletionStage<List<KeyMaterial>> relayKeys(RelayRequest r) {
    long start = System.nanoTime();
    return engine.originate(r.destinationStation(), r.masterSae(), r.slaveSae(), r.keyIds(), r.keySizeBytes())
        .handle((delivery, failure) -> {
          if (failure == null) {
            stats.recordDelivered(delivery.path(), System.nanoTime() - start);
            return delivery.keys();
          }
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          if (cause instanceof RelayException re) {
            stats.recordFailed(re.outcome().reason());
            throw new RelayFailedException(mapReason(re.outcome().reason()),
                re.outcome().reason() + " at " + re.outcome().failedAt() + ": " + re.outcome().detail());
          }
          stats.recordFailed(RelayOutcome.INTERNAL);
          throw new RelayFailedException(RelayFailedException.REJECTED,
              "relay failed internally: " + cause.getClass().getSimpleName());
        });
  }

  private static String mapReason(String reason) {
    return switch (reason) {
      case RelayOutcome.POOL_EXHAUSTED -> RelayFailedException.POOL_EXHAUSTED;
      case RelayOutcome.NO_ROUTE, RelayOutcome.UNREACHABLE -> RelayFailedException.NO_ROUTE;
      case RelayOutcome.TIMEOUT -> RelayFailedException.TIMEOUT;
      default -> RelayFailedException.REJECTED;
    };
  }

  @Override
  public long availableKeyBytes(String destinationStation) {
    Optional<List<String>> route = directory.route(destinationStation);
    if (route.isEmpty() || route.get().size() < 2) {
      return 0;
    }
    // Only the first hop's pool is known here; downstream pools are checked hop by hop.
    return Math.max(0, store.availableToSend(route.get().get(1)) - MAC_KEY_BYTES);
  }
}
