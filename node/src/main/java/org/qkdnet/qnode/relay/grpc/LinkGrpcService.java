package org.qkdnet.qnode.relay.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import org.qkdnet.qnode.link.FrameAnnounceResult;
import org.qkdnet.qnode.link.LinkKeySupply;
import org.qkdnet.qnode.proto.v1.FrameAck;
import org.qkdnet.qnode.proto.v1.FrameAnnounce;
import org.qkdnet.qnode.proto.v1.LinkServiceGrpc;
import org.qkdnet.qnode.proto.v1.PingReply;
import org.qkdnet.qnode.proto.v1.PingRequest;
import org.qkdnet.qnode.proto.v1.RelayAck;
import org.qkdnet.qnode.proto.v1.RelayHop;
import org.qkdnet.qnode.relay.RelayEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** LinkService: converts and delegates to the relay engine and the links' key supplies. */
final class LinkGrpcService extends LinkServiceGrpc.LinkServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(LinkGrpcService.class);

  private final String self;
  private final RelayEngine relay;
  private final Map<String, LinkKeySupply> links;

  LinkGrpcService(String self, RelayEngine relay, Map<String, LinkKeySupply> links) {
    this.self = self;
    this.relay = relay;
    this.links = Map.copyOf(links);
  }

  @Override
  public void relay(RelayHop request, StreamObserver<RelayAck> response) {
    String peer = PeerAuthInterceptor.PEER_STATION.get();
    relay.onHop(peer, RelayProtoMapper.fromProto(request))
        .whenComplete((outcome, failure) -> {
          if (failure != null) {
            log.error("relay {} from {}: internal failure", request.getRelayId(), peer, failure);
            response.onError(Status.INTERNAL.withDescription("relay failed internally").asRuntimeException());
            return;
          }
          response.onNext(RelayProtoMapper.toProto(outcome));
          response.onCompleted();
        });
  }

  @Override
  public void announceFrame(FrameAnnounce request, StreamObserver<FrameAck> response) {
    String peer = PeerAuthInterceptor.PEER_STATION.get();
    LinkKeySupply link = links.get(peer);
    if (link == null || link.isAlice()) {
      response.onError(Status.FAILED_PRECONDITION
          .withDescription(peer + " does not drive key frames toward " + self).asRuntimeException());
      return;
    }
    if (request.getFrameId() < 0 || request.getFrameBytes() < 0) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("frame id and size must fit in 63/31 bits")
          .asRuntimeException());
      return;
    }
    FrameAnnounceResult r;
    try {
      r = link.onAnnounce(request.getFrameId(), request.getFrameBytes());
    } catch (RuntimeException e) {
      log.error("link {}-{}: frame {} could not be appended", self, peer, request.getFrameId(), e);
      response.onError(Status.INTERNAL.withDescription("frame could not be appended").asRuntimeException());
      return;
    }
    response.onNext(FrameAck.newBuilder()
        .setOutcome(switch (r.outcome()) {
          case APPENDED -> FrameAck.Outcome.APPENDED;
          case POOL_FULL -> FrameAck.Outcome.POOL_FULL;
          case REJECTED -> FrameAck.Outcome.REJECTED;
        })
        .setDetail(r.detail())
        .setNextFrameId(r.nextFrameId())
        .build());
    response.onCompleted();
  }

  @Override
  public void ping(PingRequest request, StreamObserver<PingReply> response) {
    response.onNext(PingReply.newBuilder().setStation(self).build());
    response.onCompleted();
  }
}
