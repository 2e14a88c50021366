package org.qkdnet.qnode.relay;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.CrashPoints;
import org.qkdnet.qnode.keystore.PadReservation;
import org.qkdnet.qnode.keystore.PoolExhaustedException;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's side of a relay (DESIGN.md section 7): reserves pad on the first link of each
 * route (that pad is the key, or with several node-disjoint routes one share of it, the key being
 * the XOR of the shares), sends hop 1 of every route, and hands the key out only after the
 * destination confirmed it stored it.
 *
 * <p>Failover inside the request: when an attempt fails at transport level or a station on the
 * path cannot forward, the origin tries again over the best route that avoids what failed, within
 * the request's deadline and attempt limit, with fresh key ids (a late delivery of a failed
 * attempt can never be mistaken for the new one). The failed attempt's reserved pad stays
 * consumed; nothing of it reaches the master.
 */
final class Origin {
  private static final Logger log = LoggerFactory.getLogger(Origin.class);
  private static final int MAC = HopSigner.MAC_KEY_BYTES;

  record Request(String destination, String masterSae, String slaveSae, List<String> keyIds, int keySizeBytes,
      int paths, boolean probe) {
    Request(String destination, String masterSae, String slaveSae, List<String> keyIds, int keySizeBytes,
        int paths) {
      this(destination, masterSae, slaveSae, keyIds, keySizeBytes, paths, false);
    }

    int payloadBytes() {
      return keyIds.size() * keySizeBytes;
    }
  }

  /** One path of an attempt: where it went and how it ended; share is set (and owned) while it matters. */
  private record Leg(List<String> route, RelayOutcome outcome, KeyMaterial share, long nanos) {}

  private final String self;
  private final StationKeyStore store;
  private final HopTransport transport;
  private final RelayRoutes routes;
  private final PadSupply supply;
  private final RelaySettingsView limits;
  private final InstantSource clock;

  Origin(String self, StationKeyStore store, HopTransport transport, RelayRoutes routes, PadSupply supply,
      RelaySettingsView limits, InstantSource clock) {
    this.self = self;
    this.store = store;
    this.transport = transport;
    this.routes = routes;
    this.supply = supply;
    this.limits = limits;
    this.clock = clock;
  }

  CompletionStage<RelayEngine.Delivery> originate(Request r) {
    long deadline = clock.millis() + limits.relayTimeoutMillis();
    return attempt(r, 1, r.keyIds(), RelayRoutes.Avoid.NONE, deadline, null);
  }

  private CompletionStage<RelayEngine.Delivery> attempt(Request r, int n, List<String> keyIds,
      RelayRoutes.Avoid avoid, long deadline, RelayOutcome previous) {
    long need = r.payloadBytes() + MAC;
    List<List<String>> paths = r.paths() == 1
        ? routes.route(r.destination(), need, avoid).map(List::of).orElse(List.of())
        : routes.disjointRoutes(r.destination(), r.paths(), need, avoid);
    if (paths.size() < r.paths()) {
      if (previous != null) {
        return fail(new RelayOutcome(previous.relayId(), false, false, previous.reason(), previous.detail()
            + "; no other usable route after " + n + " attempt(s)", previous.failedAt(), previous.suspect()));
      }
      boolean keyShort = routes.routesExistIgnoringKey(r.destination(), r.paths(), avoid);
      String what = r.paths() == 1 ? "no usable route" : "fewer than " + r.paths() + " usable node-disjoint routes";
      return fail(RelayOutcome.failed("", keyShort ? RelayOutcome.POOL_EXHAUSTED : RelayOutcome.NO_ROUTE,
          what + " from " + self + " to " + r.destination()
              + (keyShort ? " with " + need + " bytes of key on every link" : " of answering stations and links")
              + " (" + routes.whyNoRoute(r.destination(), need, avoid) + ")",
          self));
    }
    for (List<String> p : paths) {
      if (p.size() - 1 > limits.maxPathHops()) {
        return fail(RelayOutcome.failed("", RelayOutcome.NO_ROUTE, "the usable route has " + (p.size() - 1)
            + " hops, more than the limit of " + limits.maxPathHops(), self));
      }
    }
    String group = r.paths() > 1 ? UUID.randomUUID().toString() : "";
    return sendAll(r, keyIds, paths, group, deadline).thenCompose(legs -> {
      RelayOutcome failure = null;
      boolean delivered = false;
      for (Leg l : legs) {
        delivered |= l.outcome().delivered();
        if (!l.outcome().accepted() && failure == null) {
          failure = l.outcome();
        }
      }
      if (failure == null && !delivered) {
        failure = RelayOutcome.failed(legs.get(0).outcome().relayId(), RelayOutcome.SHARE_REFUSED,
            "the destination held every share but combined none", r.destination());
      }
      if (failure == null) {
        return CompletableFuture.completedFuture(deliver(r, keyIds, legs));
      }
      legs.forEach(l -> l.share().zeroize());
      RelayRoutes.Avoid next = avoid;
      boolean retryable = true;
      for (Leg l : legs) {
        if (!l.outcome().accepted()) {
          retryable &= l.outcome().retryable();
          next = around(next, l.outcome(), l.route(), r.destination());
        }
      }
      if (!retryable || n >= limits.maxAttempts() || clock.millis() >= deadline || next.equals(avoid)) {
        return fail(failure);
      }
      log.info("relay {} to {}: attempt {} failed ({} at {}{}); retrying around {} {}", failure.relayId(),
          r.destination(), n, failure.reason(), failure.failedAt(),
          failure.suspect().isEmpty() ? "" : ", " + failure.suspect() + " not answering", next.stations(),
          next.links());
      return attempt(r, n + 1, freshIds(keyIds.size()), next, deadline, failure);
    });
  }

  /** What a retry must avoid after {@code o} ended an attempt over {@code route}. */
  static RelayRoutes.Avoid around(RelayRoutes.Avoid avoid, RelayOutcome o, List<String> route, String destination) {
    if (!o.suspect().isEmpty()) {
      // the destination cannot be routed around, only the link that did not reach it
      return o.suspect().equals(destination) && !o.failedAt().isEmpty()
          ? avoid.withLink(o.failedAt(), o.suspect()) : avoid.withStation(o.suspect());
    }
    int at = route.indexOf(o.failedAt());
    String after = at >= 0 && at + 1 < route.size() ? route.get(at + 1) : null;
    return switch (o.reason()) {
      case RelayOutcome.POOL_EXHAUSTED -> after == null ? avoid : avoid.withLink(o.failedAt(), after);
      case RelayOutcome.STORE_FAILED, RelayOutcome.INTERNAL, RelayOutcome.DRAINED ->
          at > 0 && !o.failedAt().equals(destination) ? avoid.withStation(o.failedAt()) : avoid;
      case RelayOutcome.TIMEOUT, RelayOutcome.UNREACHABLE -> after == null ? avoid : avoid.withStation(after);
      default -> avoid;
    };
  }

  /** Reserves pad on every route's first link, sends every hop 1, and collects how each route ended. */
  private CompletionStage<List<Leg>> sendAll(Request r, List<String> keyIds, List<List<String>> paths, String group,
      long deadline) {
    int n = r.payloadBytes();
    List<CompletableFuture<Boolean>> ensured = new ArrayList<>();
    for (List<String> p : paths) {
      ensured.add(store.availableToSend(p.get(1)) >= n + MAC ? CompletableFuture.completedFuture(true)
          : supply.ensure(p.get(1), n + MAC).toCompletableFuture());
    }
    return CompletableFuture.allOf(ensured.toArray(CompletableFuture[]::new)).thenCompose(x -> {
      List<PadReservation> reserved = new ArrayList<>();
      List<String> relayIds = new ArrayList<>();
      for (List<String> p : paths) {
        String relayId = UUID.randomUUID().toString();
        try {
          reserved.add(store.reserve(p.get(1), n + MAC, relayId));
          relayIds.add(relayId);
        } catch (PoolExhaustedException e) {
          reserved.forEach(store::burn); // nothing was sent on them
          return CompletableFuture.completedFuture(List.of(new Leg(p,
              RelayOutcome.failed(relayId, RelayOutcome.POOL_EXHAUSTED, e.getMessage(), self),
              KeyMaterial.wrap(new byte[0]), 0)));
        }
      }
      CrashPoints.hit("relay.originAfterReserveBeforeSend");
      List<CompletableFuture<Leg>> legs = new ArrayList<>();
      for (int i = 0; i < paths.size(); i++) {
        legs.add(sendOne(r, keyIds, paths.get(i), relayIds.get(i), reserved.get(i), group, i + 1, paths.size(),
            deadline));
      }
      return CompletableFuture.allOf(legs.toArray(CompletableFuture[]::new))
          .thenApply(y -> legs.stream().map(CompletableFuture::join).toList());
    });
  }

  private CompletableFuture<Leg> sendOne(Request r, List<String> keyIds, List<String> path, String relayId,
      PadReservation reservation, String group, int index, int count, long deadline) {
    int n = r.payloadBytes();
    String next = path.get(1);
    KeyMaterial share;
    HopMessage hop;
    try (KeyMaterial pad = store.padBytes(reservation); KeyMaterial macKey = pad.slice(n, MAC)) {
      share = pad.slice(0, n);
      PadRange keyPad = new PadRange(self, next, reservation.offset(), n);
      PadRange macPad = new PadRange(self, next, reservation.offset() + n, MAC);
      hop = HopSigner.sign(new HopMessage(relayId, path, 1, r.masterSae(), r.slaveSae(), keyIds, r.keySizeBytes(),
          keyPad, macPad, new byte[0], new byte[0], Math.max(1, deadline - clock.millis()), group, index, count,
          r.probe()), macKey);
    }
    supply.replenish(next);
    long sentAt = System.nanoTime();
    return sendThenSettle(hop, timeoutFor(clock, limits, deadline, path.size() - 1), reservation, r.destination(),
        o -> {
          long nanos = System.nanoTime() - sentAt;
          if (!o.accepted()) {
            share.zeroize();
          }
          return new Leg(path, o, share, nanos);
        });
  }

  private RelayEngine.Delivery deliver(Request r, List<String> keyIds, List<Leg> legs) {
    if (r.probe()) {
      // a probe's key was for no one: forgotten here, burned at both ends
      legs.forEach(l -> l.share().zeroize());
      Leg leg = legs.get(0);
      return new RelayEngine.Delivery(keyIds, List.of(), List.of(leg.route()),
          List.of(java.time.Duration.ofNanos(leg.nanos())), hopMicros(leg.route(), leg.nanos() / 1000,
              leg.outcome().times()));
    }
    KeyMaterial key = legs.get(0).share();
    for (int i = 1; i < legs.size(); i++) {
      KeyMaterial combined = key.xor(legs.get(i).share());
      key.zeroize();
      legs.get(i).share().zeroize();
      key = combined;
    }
    try {
      List<KeyMaterial> keys = new ArrayList<>(keyIds.size());
      for (int i = 0; i < keyIds.size(); i++) {
        keys.add(key.slice(i * r.keySizeBytes(), r.keySizeBytes()));
      }
      return new RelayEngine.Delivery(keyIds, keys, legs.stream().map(Leg::route).toList(),
          legs.stream().map(l -> java.time.Duration.ofNanos(l.nanos())).toList());
    } finally {
      key.zeroize();
    }
  }

  /**
   * The time of each hop of a probe's route: hop i (route[i-1] to route[i]) took what route[i-1]
   * waited for its answer less what route[i] spent on it (route[i-1]'s own work for the hop and
   * the round trip over the link). -1 where a station's time is missing.
   */
  static List<Long> hopMicros(List<String> route, long originMicros, List<RelayOutcome.StationTime> times) {
    java.util.Map<String, Long> at = new java.util.HashMap<>();
    times.forEach(t -> at.putIfAbsent(t.station(), t.micros()));
    at.put(route.get(0), originMicros);
    List<Long> out = new ArrayList<>();
    for (int i = 1; i < route.size(); i++) {
      Long before = at.get(route.get(i - 1));
      Long after = at.get(route.get(i));
      out.add(before == null || after == null ? -1 : Math.max(0, before - after));
    }
    return out;
  }

  // ---- shared with the transit side --------------------------------------------------------------

  /**
   * Sends {@code hop} ({@link #sendSafely}), notes a suspect the answer names (routes avoid it at
   * once), completes the result with the answer mapped by {@code then}, and only then settles
   * {@code reservation}, the hop's pad: USED if the next station took it into use, else BURNED
   * ({@link #settle}). The settle (an unsynced write and a trim of consumed pad) is bookkeeping that
   * nothing waiting for the answer needs, so it stays off the relay's path; a settle lost in a
   * crash leaves the pad RESERVED and recovery burns it, as before. A transport that fails instead
   * of answering gets its pad burned.
   */
  <T> CompletableFuture<T> sendThenSettle(HopMessage hop, long timeoutMillis, PadReservation reservation,
      String destination, Function<RelayOutcome, T> then) {
    CompletableFuture<T> result = new CompletableFuture<>();
    sendSafely(transport, self, hop, timeoutMillis).whenComplete((o, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
        settleAfterAnswer(hop, reservation, false);
        return;
      }
      noteSuspect(routes, self, o, destination);
      try {
        result.complete(then.apply(o));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
      settleAfterAnswer(hop, reservation, o.accepted());
    });
    return result;
  }

  private void settleAfterAnswer(HopMessage hop, PadReservation reservation, boolean accepted) {
    try {
      settle(store, reservation, accepted, hop.probe());
    } catch (RuntimeException e) {
      // the store failed closed: the answer stands, the pad is never offered again
      log.error("relay {}: hop {}'s pad toward {} could not be settled after the answer ({}); it stays reserved"
          + " until recovery burns it", hop.relayId(), hop.hop(), hop.receiver(), e.toString());
    }
  }

  /**
   * USED if the destination took the pad into use, else BURNED (and always for a probe, whose key
   * serves no one): reserved pad never comes back.
   */
  private static void settle(StationKeyStore store, PadReservation reservation, boolean accepted, boolean probe) {
    if (accepted && !probe) {
      store.markUsed(reservation);
    } else {
      store.burn(reservation);
    }
  }

  /** A neighbour that failed at transport level is suspect at once, before the cluster notices. */
  private static void noteSuspect(RelayRoutes routes, String self, RelayOutcome o, String destination) {
    if (o.suspect().isEmpty() || o.suspect().equals(self)) {
      return;
    }
    if (o.suspect().equals(destination)) {
      // the destination did not answer over this link: the link may be cut while the station
      // lives (another route may reach it), and suspecting the station would leave none
      routes.suspectLink(o.failedAt().isEmpty() ? self : o.failedAt(), o.suspect());
    } else {
      routes.suspect(o.suspect());
    }
  }

  /**
   * {@code transport.send}, with a synchronous throw turned into a failed outcome, so the caller's
   * settle step runs and burns the reservation at once instead of leaving it RESERVED until the
   * next restart burns it.
   */
  private static CompletionStage<RelayOutcome> sendSafely(HopTransport transport, String self,
      HopMessage hop, long timeoutMillis) {
    try {
      return transport.send(hop, timeoutMillis);
    } catch (RuntimeException e) {
      log.warn("relay {}: sending hop {} to {} failed at once ({}); its pad is burned", hop.relayId(), hop.hop(),
          hop.receiver(), e.toString());
      return java.util.concurrent.CompletableFuture.completedFuture(RelayOutcome.unreachable(hop.relayId(),
          RelayOutcome.UNREACHABLE, "send to " + hop.receiver() + " failed: " + e.getClass().getSimpleName(), self,
          hop.receiver()));
    }
  }

  static long timeoutFor(InstantSource clock, RelaySettingsView limits, long deadlineMillis, int remainingHops) {
    long left = deadlineMillis - clock.millis();
    long perHops = limits.hopTimeoutMillis() * Math.max(1, remainingHops);
    return Math.max(1, Math.min(left, perHops));
  }

  private static List<String> freshIds(int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    return ids;
  }

  private static CompletionStage<RelayEngine.Delivery> fail(RelayOutcome o) {
    return CompletableFuture.failedFuture(new RelayException(o));
  }
}
