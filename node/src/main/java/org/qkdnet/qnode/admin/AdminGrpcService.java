package org.qkdnet.qnode.admin;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.qkdnet.qnode.events.EventHub;
import org.qkdnet.qnode.events.NetworkEvent;
import org.qkdnet.qnode.proto.v1.AdminServiceGrpc;
import org.qkdnet.qnode.proto.v1.Event;
import org.qkdnet.qnode.proto.v1.HopTime;
import org.qkdnet.qnode.proto.v1.ProbeRelayReply;
import org.qkdnet.qnode.proto.v1.ProbeRelayRequest;
import org.qkdnet.qnode.proto.v1.WatchEventsRequest;
import org.qkdnet.qnode.proto.v1.DrainReply;
import org.qkdnet.qnode.proto.v1.DrainRequest;
import org.qkdnet.qnode.proto.v1.SetLinkAdminStateReply;
import org.qkdnet.qnode.proto.v1.SetLinkAdminStateRequest;
import org.qkdnet.qnode.proto.v1.ZeroizeLinkReply;
import org.qkdnet.qnode.proto.v1.ZeroizeLinkRequest;
import org.qkdnet.qnode.proto.v1.GetRouteRequest;
import org.qkdnet.qnode.proto.v1.GetStatusRequest;
import org.qkdnet.qnode.proto.v1.LinksReply;
import org.qkdnet.qnode.proto.v1.ListLinksRequest;
import org.qkdnet.qnode.proto.v1.RouteReply;
import org.qkdnet.qnode.proto.v1.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** AdminService: converts and delegates to the station's {@link AdminView}. */
final class AdminGrpcService extends AdminServiceGrpc.AdminServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(AdminGrpcService.class);

  private final AdminView view;
  private final AdminForwarder forwarder;

  AdminGrpcService(AdminView view, AdminForwarder forwarder) {
    this.view = view;
    this.forwarder = forwarder;
  }

  @Override
  public void drain(DrainRequest request, StreamObserver<DrainReply> response) {
    setDrained(request, true, response);
  }

  @Override
  public void undrain(DrainRequest request, StreamObserver<DrainReply> response) {
    setDrained(request, false, response);
  }

  @Override
  public void zeroizeLink(ZeroizeLinkRequest request, StreamObserver<ZeroizeLinkReply> response) {
    String a = request.getA();
    String b = request.getB();
    if (!isLink(a, b, response)) {
      return;
    }
    if (!request.getConfirm()) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("zeroizing burns all unused key of link " + a + "-"
          + b + " at both ends: confirm it (qnode admin zeroize-link " + a + " " + b + " --confirm)")
          .asRuntimeException());
      return;
    }
    String operator = OperatorAuthInterceptor.OPERATOR.get();
    String via = OperatorAuthInterceptor.FORWARDED_BY.get();
    String self = view.station();
    if (!self.equals(a) && !self.equals(b)) {
      if (via != null) {
        response.onError(Status.FAILED_PRECONDITION.withDescription("station " + self
            + " takes forwarded commands for its own links only").asRuntimeException());
        return;
      }
      try {
        response.onNext(forwarder.to(a, operator, 40).zeroizeLink(request));
        response.onCompleted();
      } catch (io.grpc.StatusRuntimeException e) {
        response.onError(forwardFailed(e, a, ""));
      }
      return;
    }
    String peer = self.equals(a) ? b : a;
    try {
      AdminView.Zeroized z = view.zeroizeLink(peer, operator + (via == null ? "" : " (via " + via + ")"));
      response.onNext(ZeroizeLinkReply.newBuilder().setA(a).setB(b).setBurnedBytes(z.burnedBytes())
          .setRekeyed(z.rekeyed()).setDetail(z.detail()).build());
      response.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.withDescription("station stopping").asRuntimeException());
    } catch (RuntimeException e) {
      log.warn("admin zeroize at {} failed: {}", self, e.toString());
      response.onError(Status.INTERNAL.withDescription("the station could not zeroize: " + e.getClass().getSimpleName())
          .asRuntimeException());
    }
  }

  @Override
  public void setLinkAdminState(SetLinkAdminStateRequest request, StreamObserver<SetLinkAdminStateReply> response) {
    String a = request.getA();
    String b = request.getB();
    if (!isLink(a, b, response)) {
      return;
    }
    String operator = OperatorAuthInterceptor.OPERATOR.get();
    String via = OperatorAuthInterceptor.FORWARDED_BY.get();
    String self = view.station();
    if (via != null && !self.equals(a) && !self.equals(b)) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("station " + self
          + " takes forwarded commands for its own links only").asRuntimeException());
      return;
    }
    SetLinkAdminStateReply.Builder reply = SetLinkAdminStateReply.newBuilder().setA(a).setB(b)
        .setDown(request.getDown());
    // each end in turn: this station's own end here, the other end(s) forwarded (a forwarded call
    // is applied at the receiving end only)
    for (String end : new String[] {a, b}) {
      String peer = end.equals(a) ? b : a;
      if (end.equals(self)) {
        try {
          reply.addDetail(end + ": " + view.setLinkDown(peer, request.getDown(),
              operator + (via == null ? "" : " (via " + via + ")")));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          response.onError(Status.CANCELLED.withDescription("station stopping").asRuntimeException());
          return;
        } catch (RuntimeException e) {
          log.warn("admin link state at {} failed: {}", self, e.toString());
          response.onError(Status.INTERNAL.withDescription("station " + self + " could not change the link: "
              + e.getClass().getSimpleName()).asRuntimeException());
          return;
        }
      } else if (via == null) {
        try {
          reply.addAllDetail(forwarder.to(end, operator, 20).setLinkAdminState(request).getDetailList());
        } catch (io.grpc.StatusRuntimeException e) {
          response.onError(forwardFailed(e, end,
              reply.getDetailCount() > 0 ? "; already applied: " + String.join("; ", reply.getDetailList()) : ""));
          return;
        }
      }
    }
    response.onNext(reply.build());
    response.onCompleted();
  }

  private void setDrained(DrainRequest request, boolean on, StreamObserver<DrainReply> response) {
    String target = request.getStation().isEmpty() ? view.station() : request.getStation();
    if (view.topology().indexOf(target) < 0) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("unknown station '" + printable(target)
          + "' (not in topology " + view.topology().name() + ")").asRuntimeException());
      return;
    }
    String operator = OperatorAuthInterceptor.OPERATOR.get();
    String via = OperatorAuthInterceptor.FORWARDED_BY.get();
    if (!target.equals(view.station())) {
      if (via != null) {
        response.onError(Status.FAILED_PRECONDITION.withDescription("station " + view.station()
            + " takes forwarded commands for itself only, not for " + target).asRuntimeException());
        return;
      }
      try {
        DrainRequest fwd = DrainRequest.newBuilder().setStation(target).build();
        var stub = forwarder.to(target, operator, 20);
        response.onNext(on ? stub.drain(fwd) : stub.undrain(fwd));
        response.onCompleted();
      } catch (io.grpc.StatusRuntimeException e) {
        response.onError(forwardFailed(e, target, ""));
      }
      return;
    }
    try {
      String detail = view.setDrained(on, operator + (via == null ? "" : " (via " + via + ")"));
      response.onNext(DrainReply.newBuilder().setStation(target).setDrained(on).setDetail(detail).build());
      response.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.withDescription("station stopping").asRuntimeException());
    } catch (RuntimeException e) {
      log.warn("admin drain at {} failed: {}", view.station(), e.toString());
      response.onError(Status.INTERNAL.withDescription("the station could not change: " + e.getClass().getSimpleName())
          .asRuntimeException());
    }
  }

  @Override
  public void probeRelay(ProbeRelayRequest request, StreamObserver<ProbeRelayReply> response) {
    String from = request.getFrom().isEmpty() ? view.station() : request.getFrom();
    String to = request.getTo();
    for (String s : new String[] {from, to}) {
      if (s.isEmpty() || view.topology().indexOf(s) < 0) {
        response.onError(Status.INVALID_ARGUMENT.withDescription(s.isEmpty() ? "to: a destination station is required"
            : "unknown station '" + printable(s) + "' (not in topology " + view.topology().name() + ")")
            .asRuntimeException());
        return;
      }
    }
    if (from.equals(to)) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("from and to are both " + from
          + ": a probe needs two stations").asRuntimeException());
      return;
    }
    String operator = OperatorAuthInterceptor.OPERATOR.get();
    String via = OperatorAuthInterceptor.FORWARDED_BY.get();
    if (!from.equals(view.station())) {
      if (via != null) {
        response.onError(Status.FAILED_PRECONDITION.withDescription("station " + view.station()
            + " takes forwarded probes from itself only, not from " + from).asRuntimeException());
        return;
      }
      try {
        response.onNext(forwarder.to(from, operator, 40).probeRelay(request.toBuilder().setFrom(from).build()));
        response.onCompleted();
      } catch (io.grpc.StatusRuntimeException e) {
        response.onError(forwardFailed(e, from, ""));
      }
      return;
    }
    try {
      AdminView.Probe p = view.probe(to, operator + (via == null ? "" : " (via " + via + ")"));
      ProbeRelayReply.Builder b = ProbeRelayReply.newBuilder().setFrom(from).setTo(to).setDelivered(p.delivered())
          .addAllPath(p.path()).setTotalMillis(p.totalMicros() / 1000.0).setReason(p.reason())
          .setDetail(p.detail());
      for (int i = 0; i < p.hopMicros().size() && i + 1 < p.path().size(); i++) {
        long us = p.hopMicros().get(i);
        b.addHops(HopTime.newBuilder().setFrom(p.path().get(i)).setTo(p.path().get(i + 1))
            .setMillis(us < 0 ? -1 : us / 1000.0));
      }
      response.onNext(b.build());
      response.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.withDescription("station stopping").asRuntimeException());
    } catch (RuntimeException e) {
      log.warn("admin probe at {} failed: {}", view.station(), e.toString());
      response.onError(Status.INTERNAL.withDescription("the station could not probe: " + e.getClass().getSimpleName())
          .asRuntimeException());
    }
  }

  /** Events sent to a watcher whose stream is not ready before it is ended (it cannot keep up). */
  static final int MAX_UNREAD_EVENTS = 512;

  @Override
  public void watchEvents(WatchEventsRequest request, StreamObserver<Event> response) {
    ServerCallStreamObserver<Event> out = (ServerCallStreamObserver<Event>) response;
    EventHub hub = view.events();
    if (!request.getFollow()) {
      if (request.getRecent()) {
        hub.recent().forEach(e -> out.onNext(toProto(e)));
      }
      out.onCompleted();
      return;
    }
    java.util.concurrent.atomic.AtomicInteger unread = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<EventHub.Subscription> sub =
        new java.util.concurrent.atomic.AtomicReference<>();
    out.setOnCancelHandler(() -> {
      ended.set(true);
      EventHub.Subscription s = sub.get();
      if (s != null) {
        s.close();
      }
    });
    out.setOnReadyHandler(() -> unread.set(0));
    // the hub calls this under its lock, one event at a time: never blocks, ends a watcher that fell behind
    sub.set(hub.subscribe(request.getRecent(), e -> {
      if (ended.get()) {
        throw new IllegalStateException("watcher gone");
      }
      if (!out.isReady() && unread.incrementAndGet() > MAX_UNREAD_EVENTS) {
        ended.set(true);
        out.onError(Status.RESOURCE_EXHAUSTED.withDescription("the watcher fell " + MAX_UNREAD_EVENTS
            + " events behind; watch again").asRuntimeException());
        throw new IllegalStateException("watcher fell behind");
      }
      out.onNext(toProto(e));
    }));
    if (ended.get()) {
      sub.get().close();
    }
  }

  private static Event toProto(NetworkEvent e) {
    return Event.newBuilder().setSeq(e.seq()).setTimeMs(e.timeMillis()).setStation(e.station())
        .setKind(e.kind().name()).setSubject(e.subject()).setDetail(e.detail()).build();
  }

  @Override
  public void getStatus(GetStatusRequest request, StreamObserver<StatusReply> response) {
    answer(response, () -> AdminProtoMapper.status(view));
  }

  @Override
  public void listLinks(ListLinksRequest request, StreamObserver<LinksReply> response) {
    answer(response, () -> AdminProtoMapper.links(view));
  }

  @Override
  public void getRoute(GetRouteRequest request, StreamObserver<RouteReply> response) {
    String from = request.getFrom().isEmpty() ? view.station() : request.getFrom();
    String to = request.getTo();
    for (String s : new String[] {from, to}) {
      if (s.isEmpty() || view.topology().indexOf(s) < 0) {
        response.onError(Status.INVALID_ARGUMENT.withDescription(s.isEmpty() ? "to: a destination station is required"
            : "unknown station '" + printable(s) + "' (not in topology " + view.topology().name() + ")")
            .asRuntimeException());
        return;
      }
    }
    answer(response, () -> AdminProtoMapper.route(view.explainRoute(from, to), view.disjointRoutes(from, to, 4)));
  }

  /** False after answering INVALID_ARGUMENT if {@code a}-{@code b} is not a link of the topology. */
  private boolean isLink(String a, String b, StreamObserver<?> response) {
    if (a.equals(b) || view.topology().linkBetween(a, b).isEmpty()) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("no link " + printable(a) + "-" + printable(b)
          + " in topology " + view.topology().name()).asRuntimeException());
      return false;
    }
    return true;
  }

  /** The error of a call forwarded to {@code station}, passed on naming where it failed. */
  private io.grpc.StatusRuntimeException forwardFailed(io.grpc.StatusRuntimeException e, String station, String more) {
    String d = e.getStatus().getDescription();
    return e.getStatus().withDescription("station " + station + " (forwarded by " + view.station() + "): "
        + (d == null ? e.getStatus().getCode().toString() : d) + more).asRuntimeException();
  }

  private static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private <T> void answer(StreamObserver<T> response, Supplier<T> reply) {
    T r;
    try {
      r = reply.get();
    } catch (RuntimeException e) {
      log.warn("admin call at {} failed: {}", view.station(), e.toString());
      response.onError(Status.INTERNAL.withDescription("the station could not answer: " + e.getClass().getSimpleName())
          .asRuntimeException());
      return;
    }
    response.onNext(r);
    response.onCompleted();
  }
}
