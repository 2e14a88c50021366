package org.qkdnet.qnode.station;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.events.EventHub;
import org.qkdnet.qnode.events.NetworkEvent;
import org.qkdnet.qnode.kme.KeyRelayer;
import org.qkdnet.qnode.kme.RelayFailedException;
import org.qkdnet.qnode.kme.RelayRequest;
import org.qkdnet.qnode.relay.RelayEngine;
import org.qkdnet.qnode.relay.RelayException;
import org.qkdnet.qnode.relay.RelayOutcome;
import org.qkdnet.qnode.relay.RelayRecorder;
import org.qkdnet.qnode.relay.RelayRoutes;
import org.qkdnet.qnode.keystore.StationKeyStore;

/**
 * Adapts the relay engine to the KME's port: picks the SAE pair's path count (the topology's
 * sae-pairs, else qnode.relay.paths), and turns relay failures into RelayFailedException.
 */
final class RelayKeyRelayer implements KeyRelayer {
  private static final int MAC_KEY_BYTES = 32;

  private final RelayEngine engine;
  private final RelayRoutes routes;
  private final StationKeyStore store;
  private final RelayStats stats;
  private final TopologySpec topology;
  private final int defaultPaths;
  /** Null while the station serves; otherwise why no relay may start here (an operator drained it). */
  private final java.util.function.Supplier<String> drained;
  private final RelayRecorder recorder;
  private final EventHub events;

  RelayKeyRelayer(RelayEngine engine, RelayRoutes routes, StationKeyStore store, RelayStats stats,
      TopologySpec topology, int defaultPaths, RelayRecorder recorder, java.util.function.Supplier<String> drained,
      EventHub events) {
    this.events = events;
    this.drained = drained;
    this.engine = engine;
    this.routes = routes;
    this.store = store;
    this.stats = stats;
    this.topology = topology;
    this.defaultPaths = defaultPaths;
    this.recorder = recorder;
  }

  int pathsFor(String masterSae, String slaveSae) {
    return topology.pathsFor(masterSae, slaveSae).orElse(defaultPaths);
  }

  @Override
  public CompletionStage<RelayedKeys> relayKeys(RelayRequest r) {
    String why = drained.get();
    if (why != null) {
      return java.util.concurrent.CompletableFuture.failedFuture(new RelayFailedException(RelayFailedException.NO_ROUTE,
          why));
    }
    long start = System.nanoTime();
    return engine.originate(r.destinationStation(), r.masterSae(), r.slaveSae(), r.keyIds(), r.keySizeBytes(),
            pathsFor(r.masterSae(), r.slaveSae()))
        .handle((delivery, failure) -> {
          long nanos = System.nanoTime() - start;
          if (failure == null) {
            stats.recordDelivered(delivery.routes(), nanos);
            record(r.destinationStation(), "", nanos);
            event(r.destinationStation(), "delivered via " + delivery.routes().stream().map(p -> String.join(",", p))
                .collect(java.util.stream.Collectors.joining(" + ")) + " in " + nanos / 1_000_000 + " ms");
            return new RelayedKeys(delivery.keyIds(), delivery.keys());
          }
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          if (cause instanceof RelayException re) {
            stats.recordFailed(r.destinationStation(), re.outcome().reason());
            record(r.destinationStation(), re.outcome().reason(), nanos);
            event(r.destinationStation(), "failed: " + re.outcome().reason() + " at " + re.outcome().failedAt());
            throw new RelayFailedException(mapReason(re.outcome().reason()),
                re.outcome().reason() + " at " + re.outcome().failedAt() + ": " + re.outcome().detail());
          }
          stats.recordFailed(r.destinationStation(), RelayOutcome.INTERNAL);
          record(r.destinationStation(), RelayOutcome.INTERNAL, nanos);
          throw new RelayFailedException(RelayFailedException.REJECTED,
              "relay failed internally: " + cause.getClass().getSimpleName());
        });
  }

  private void record(String destination, String reason, long nanos) {
    try {
      recorder.relayEnded(destination, reason, nanos);
    } catch (RuntimeException e) {
      // metrics never change a relay's answer
    }
  }

  private void event(String destination, String detail) {
    try {
      events.publish(NetworkEvent.Kind.RELAY, engine.stationId() + "->" + destination, detail);
    } catch (RuntimeException e) {
      // watchers never change a relay's answer
    }
  }

  private static String mapReason(String reason) {
    return switch (reason) {
      case RelayOutcome.POOL_EXHAUSTED -> RelayFailedException.POOL_EXHAUSTED;
      case RelayOutcome.NO_ROUTE, RelayOutcome.UNREACHABLE -> RelayFailedException.NO_ROUTE;
      case RelayOutcome.TIMEOUT -> RelayFailedException.TIMEOUT;
      case RelayOutcome.SLAVE_BACKLOG, RelayOutcome.NOT_ALLOWED -> reason;
      default -> RelayFailedException.REJECTED;
    };
  }

  /**
   * What the route(s) a request would take now can carry: the smallest pool along them, less the
   * per-hop MAC key. Pools further down are known from the link state each station publishes.
   */
  @Override
  public long availableKeyBytes(String masterSae, String slaveSae, String destinationStation) {
    if (drained.get() != null) {
      return 0;
    }
    int paths = pathsFor(masterSae, slaveSae);
    List<List<String>> chosen = paths == 1
        ? routes.route(destinationStation, MAC_KEY_BYTES + 1, RelayRoutes.Avoid.NONE).map(List::of).orElse(List.of())
        : routes.disjointRoutes(destinationStation, paths, MAC_KEY_BYTES + 1, RelayRoutes.Avoid.NONE);
    if (chosen.size() < paths) {
      return 0;
    }
    long min = Long.MAX_VALUE;
    for (List<String> route : chosen) {
      min = Math.min(min, routes.capacity(route));
    }
    return Math.max(0, min - MAC_KEY_BYTES);
  }
}
