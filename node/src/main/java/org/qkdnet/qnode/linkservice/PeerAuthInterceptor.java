package org.qkdnet.qnode.linkservice;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.Set;
import org.qkdnet.qnode.crypto.PeerIdentity;
import org.qkdnet.qnode.crypto.Role;

/**
 * Admits only neighbouring stations: the TLS client certificate (mutual TLS, required) must be a
 * station certificate of our CA whose id is one of this station's fiber neighbours. The id is put
 * into the call's {@link Context} for the service to use as the authenticated sender.
 */
final class PeerAuthInterceptor implements ServerInterceptor {
  static final Context.Key<String> PEER_STATION = Context.key("qnode-peer-station");

  private final Set<String> neighbours;

  PeerAuthInterceptor(Set<String> neighbours) {
    this.neighbours = Set.copyOf(neighbours);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<PeerIdentity> peer = PeerIdentity.ofSession(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (peer.isEmpty() || peer.get().role() != Role.STATION) {
      call.close(Status.UNAUTHENTICATED.withDescription("a station client certificate is required"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    if (!neighbours.contains(peer.get().id())) {
      call.close(Status.PERMISSION_DENIED.withDescription(
          "station " + peer.get().id() + " is not a fiber neighbour of this station"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context ctx = Context.current().withValue(PEER_STATION, peer.get().id());
    return Contexts.interceptCall(ctx, call, headers, next);
  }
}
