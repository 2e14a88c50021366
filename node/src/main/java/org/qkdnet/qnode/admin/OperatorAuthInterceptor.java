package org.qkdnet.qnode.admin;

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
 * Admits only operators: the TLS client certificate (mutual TLS, required by the handshake) must be
 * an operator certificate of the network's CA whose name is one of the topology's operators. SAE
 * and station certificates, and operators not in the topology, get PERMISSION_DENIED. The
 * operator's name goes into the call's {@link Context} so that changing calls can be audited. A
 * station of the topology may forward an operator's command for this station ({@link AdminForwarder}).
 */
final class OperatorAuthInterceptor implements ServerInterceptor {
  static final Context.Key<String> OPERATOR = Context.key("qnode-operator");
  /** The station that forwarded the call for an operator, or null for an operator's own call. */
  static final Context.Key<String> FORWARDED_BY = Context.key("qnode-forwarded-by");

  private final Set<String> operators;
  private final Set<String> stations;

  OperatorAuthInterceptor(Set<String> operators, Set<String> stations) {
    this.operators = Set.copyOf(operators);
    this.stations = Set.copyOf(stations);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<PeerIdentity> peer = PeerIdentity.ofSession(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (peer.isEmpty()) {
      call.close(Status.UNAUTHENTICATED.withDescription("an operator client certificate is required"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    String onBehalf = headers.get(AdminForwarder.ON_BEHALF_OF);
    if (peer.get().role() == Role.STATION && onBehalf != null) {
      // another station forwarding an operator's command for this station
      if (!stations.contains(peer.get().id()) || !operators.contains(onBehalf)) {
        call.close(Status.PERMISSION_DENIED.withDescription("a forwarded call needs a station of the topology acting"
            + " for one of its operators"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      Context ctx = Context.current().withValue(OPERATOR, onBehalf).withValue(FORWARDED_BY, peer.get().id());
      return Contexts.interceptCall(ctx, call, headers, next);
    }
    if (peer.get().role() != Role.OPERATOR) {
      call.close(Status.PERMISSION_DENIED.withDescription("a " + peer.get().role().ou()
          + " certificate is not an operator's: the admin API takes operator certificates only"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    if (!operators.contains(peer.get().id())) {
      call.close(Status.PERMISSION_DENIED.withDescription(
          "operator " + peer.get().id() + " is not one of the topology's operators"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(OPERATOR, peer.get().id()), call, headers, next);
  }
}
