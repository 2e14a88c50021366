package org.qkdnet.qnode.linkservice;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.qkdnet.qnode.link.bb84.AliceFrames;
import org.qkdnet.qnode.link.bb84.Bb84LinkEnd;
import org.qkdnet.qnode.link.bb84.CascadeBatch;
import org.qkdnet.qnode.link.bb84.CommitResult;
import org.qkdnet.qnode.link.bb84.EstimateReplyData;
import org.qkdnet.qnode.link.bb84.ParityAnswerer;
import org.qkdnet.qnode.proto.v1.Assignments;
import org.qkdnet.qnode.proto.v1.AssignmentsAck;
import org.qkdnet.qnode.proto.v1.CascadeAnswers;
import org.qkdnet.qnode.proto.v1.KeyGrant;
import org.qkdnet.qnode.proto.v1.KeyRequest;
import org.qkdnet.qnode.proto.v1.CascadeRounds;
import org.qkdnet.qnode.proto.v1.CommitReply;
import org.qkdnet.qnode.proto.v1.CommitRequest;
import org.qkdnet.qnode.postprocessing.verification.VerificationTag;
import org.qkdnet.qnode.proto.v1.DropReply;
import org.qkdnet.qnode.proto.v1.DropRequest;
import org.qkdnet.qnode.proto.v1.EstimateReply;
import org.qkdnet.qnode.proto.v1.EstimateRequest;
import org.qkdnet.qnode.proto.v1.SiftReply;
import org.qkdnet.qnode.proto.v1.SiftRequest;
import org.qkdnet.qnode.proto.v1.VerifyReply;
import org.qkdnet.qnode.proto.v1.VerifyRequest;
import org.qkdnet.qnode.link.AssignmentTransport;
import org.qkdnet.qnode.link.DirectionSupply;
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
  private final Map<String, Bb84LinkEnd> bb84;
  private final Map<String, DirectionSupply> supplies;

  /** Alice's post-processing steps: off the threads that serve relay hops, at the lowest priority. */
  private final java.util.concurrent.Executor postProcessing;

  LinkGrpcService(String self, RelayEngine relay, Map<String, LinkKeySupply> links, Map<String, Bb84LinkEnd> bb84,
      Map<String, DirectionSupply> supplies, java.util.concurrent.Executor postProcessing) {
    this.postProcessing = postProcessing;
    this.self = self;
    this.relay = relay;
    this.links = Map.copyOf(links);
    this.bb84 = Map.copyOf(bb84);
    this.supplies = Map.copyOf(supplies);
  }

  // --- key supply on demand (docs/key-supply.md) ---

  /** The caller's link's key supply, or null after answering the caller with an error. */
  private DirectionSupply supply(StreamObserver<?> response) {
    String peer = PeerAuthInterceptor.PEER_STATION.get();
    DirectionSupply s = supplies.get(peer);
    if (s == null) {
      response.onError(Status.FAILED_PRECONDITION.withDescription("no link between " + self + " and " + peer)
          .asRuntimeException());
    }
    return s;
  }

  // The two key-supply calls are answered on the calling thread (the LinkService's call pool, at
  // normal priority), not on the post-processing pool: a relay waiting for pad waits on them, and
  // behind Alice's sifting and Cascade steps at the lowest priority it waited seconds on a loaded
  // machine (relays first, issue 11).

  @Override
  public void requestKey(KeyRequest request, StreamObserver<KeyGrant> response) {
    DirectionSupply s = supply(response);
    if (s != null) {
      answerNow(response, () -> {
        if (request.getWantBytes() < 0 || request.getNeedBytes() < 0 || request.getNextSeq() < 0
            || request.getLinkBytes() < 0) {
          throw new IllegalArgumentException("want_bytes, need_bytes, next_seq and link_bytes must fit in 63 bits");
        }
        AssignmentTransport.Grant g = s.onRequest(request.getWantBytes(), request.getNeedBytes(),
            request.getNextSeq(), request.getLinkBytes());
        return KeyGrant.newBuilder().addAllEntries(AssignmentProtoMapper.toProto(g.entries()))
            .setLinkBytes(g.linkBytes()).build();
      });
    }
  }

  @Override
  public void applyAssignments(Assignments request, StreamObserver<AssignmentsAck> response) {
    DirectionSupply s = supply(response);
    if (s != null) {
      answerNow(response, () -> AssignmentProtoMapper.toProto(
          s.onPush(AssignmentProtoMapper.fromProto(request.getEntriesList()))));
    }
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
  public void audit(org.qkdnet.qnode.proto.v1.LinkAudit request,
      StreamObserver<org.qkdnet.qnode.proto.v1.LinkAudit> response) {
    String peer = PeerAuthInterceptor.PEER_STATION.get();
    LinkKeySupply link = links.get(peer);
    if (link == null) {
      response.onError(io.grpc.Status.FAILED_PRECONDITION.withDescription("no link to " + peer).asRuntimeException());
      return;
    }
    try {
      if (link.store().isQuarantined(peer)) {
        // the caller must quarantine too; the lower id then proposes a re-key
        response.onError(io.grpc.Status.FAILED_PRECONDITION.withDescription(QUARANTINED_AT + self + ": "
            + link.store().linkBlocked(peer).orElse("")).asRuntimeException());
        return;
      }
      response.onNext(AuditProtoMapper.toProto(link.store().linkAudit(peer)));
      response.onCompleted();
    } catch (RuntimeException e) {
      log.warn("audit of link {}-{} could not be answered: {}", self, peer, e.toString());
      response.onError(io.grpc.Status.UNAVAILABLE.withDescription("key store unavailable").asRuntimeException());
    }
  }

  /** How an audit answer from a quarantined end begins (see {@link NeighbourClients#audit}). */
  static final String QUARANTINED_AT = "link quarantined at ";

  @Override
  public void rekey(org.qkdnet.qnode.proto.v1.LinkRekey request,
      StreamObserver<org.qkdnet.qnode.proto.v1.LinkRekey> response) {
    String peer = PeerAuthInterceptor.PEER_STATION.get();
    LinkKeySupply link = links.get(peer);
    if (link == null) {
      response.onError(io.grpc.Status.FAILED_PRECONDITION.withDescription("no link to " + peer).asRuntimeException());
      return;
    }
    if (peer.compareTo(self) > 0 || request.getEpoch() == 0) {
      response.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription(request.getEpoch() == 0
          ? "re-key without an epoch" : "re-key of link " + self + "-" + peer + " is proposed by " + self)
          .asRuntimeException());
      return;
    }
    org.qkdnet.qnode.keystore.LinkPosition theirs;
    try {
      theirs = AuditProtoMapper.positionFromProto(request);
    } catch (IllegalArgumentException e) {
      response.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    String why = "the peer quarantined the link: " + AuditProtoMapper.reasonFromProto(request);
    try {
      org.qkdnet.qnode.keystore.StationKeyStore store = link.store();
      boolean wasQuarantined = store.isQuarantined(peer);
      org.qkdnet.qnode.keystore.LinkPosition mine = store.linkPosition(peer);
      store.rekey(peer, org.qkdnet.qnode.keystore.LinkPosition.agreed(mine, theirs), request.getEpoch(), why);
      if (!wasQuarantined) {
        log.error("ALARM link {}-{} quarantined: {}; its unused pool burned", self, peer, why);
      }
      log.warn("link {}-{} re-keyed at {}'s request: new epoch, key only from fresh frames {} on; carries no pad until"
          + " audited", self, peer, peer, Math.max(mine.nextFrame(), theirs.nextFrame()));
      response.onNext(AuditProtoMapper.toProto(request.getEpoch(), mine, ""));
      response.onCompleted();
    } catch (IllegalStateException e) {
      response.onError(io.grpc.Status.UNAVAILABLE.withDescription("re-key not possible now: " + e.getMessage())
          .asRuntimeException());
    } catch (RuntimeException e) {
      log.warn("re-key of link {}-{} could not be answered: {}", self, peer, e.toString());
      response.onError(io.grpc.Status.UNAVAILABLE.withDescription("key store unavailable").asRuntimeException());
    }
  }

  @Override
  public void ping(PingRequest request, StreamObserver<PingReply> response) {
    response.onNext(PingReply.newBuilder().setStation(self).build());
    response.onCompleted();
  }

  // --- post-processing of bb84-sim links: Bob (the caller) drives, this end is Alice ---

  /** Alice's frames of the caller's link, or null after answering the caller with an error. */
  private AliceFrames alice(StreamObserver<?> response) {
    String peer = PeerAuthInterceptor.PEER_STATION.get();
    Bb84LinkEnd end = bb84.get(peer);
    if (end == null || !end.isAlice()) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(
          self + " is not the Alice end of a bb84-sim link with " + peer).asRuntimeException());
      return null;
    }
    return end.alice();
  }

  /**
   * Runs one Alice step on the post-processing pool (lowest priority: relays first), mapping bad
   * input to INVALID_ARGUMENT, wrong state to FAILED_PRECONDITION and a full pool to UNAVAILABLE.
   */
  private <T> void answer(StreamObserver<T> response, Supplier<T> step) {
    try {
      postProcessing.execute(() -> answerNow(response, step));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      response.onError(Status.UNAVAILABLE.withDescription("post-processing of " + self + " is busy")
          .asRuntimeException());
    }
  }

  /** Runs a step on the calling thread, mapping errors as {@link #answer} does. */
  private static <T> void answerNow(StreamObserver<T> response, Supplier<T> step) {
    T reply;
    try {
      reply = step.get();
    } catch (IllegalArgumentException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IllegalStateException e) {
      response.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      log.error("LinkService call failed internally", e);
      response.onError(Status.INTERNAL.withDescription("call failed internally").asRuntimeException());
      return;
    }
    response.onNext(reply);
    response.onCompleted();
  }

  @Override
  public void sift(SiftRequest request, StreamObserver<SiftReply> response) {
    AliceFrames a = alice(response);
    if (a != null) {
      answer(response, () -> PostProcessingProtoMapper.toProto(a.sift(PostProcessingProtoMapper.fromProto(request))));
    }
  }

  @Override
  public void estimate(EstimateRequest request, StreamObserver<EstimateReply> response) {
    AliceFrames a = alice(response);
    if (a != null) {
      answer(response, () -> {
        EstimateReplyData d = a.estimate(request.getRawFrameId(), PostProcessingProtoMapper.bits(
            request.getDisclosed(), request.getDisclosedLength(), "disclosed"), request.getPermutationSeed());
        return EstimateReply.newBuilder().setDisclosedLength(d.disclosed().length())
            .setDisclosed(PostProcessingProtoMapper.bytes(d.disclosed())).setSentSignal(d.sent().signal())
            .setSentDecoy(d.sent().decoy()).setSentVacuum(d.sent().vacuum()).setDropReason(d.dropReason()).build();
      });
    }
  }

  @Override
  public void reconcile(CascadeRounds request, StreamObserver<CascadeAnswers> response) {
    String peer = PeerAuthInterceptor.PEER_STATION.get();
    AliceFrames a = alice(response);
    if (a == null) {
      return;
    }
    List<CascadeBatch.Round> rounds;
    try {
      rounds = PostProcessingProtoMapper.fromProto(request);
    } catch (IllegalArgumentException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    ParityAnswerer answerer = bb84.get(peer).answerer();
    if (answerer == null) {
      response.onError(Status.UNAVAILABLE.withDescription("reconciliation of " + self + " not started yet")
          .asRuntimeException());
      return;
    }
    answerer.answer(rounds).whenComplete((answers, failure) -> {
      if (failure != null) {
        Throwable c = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        response.onError(Status.UNAVAILABLE.withDescription("reconciliation did not answer: "
            + c.getClass().getSimpleName()).asRuntimeException());
        return;
      }
      response.onNext(PostProcessingProtoMapper.answersToProto(answers));
      response.onCompleted();
    });
  }

  @Override
  public void verify(VerifyRequest request, StreamObserver<VerifyReply> response) {
    AliceFrames a = alice(response);
    if (a != null) {
      answer(response, () -> {
        int bits = request.getTagBits();
        if (request.getHashKey() == 0 || bits < 1 || bits > 128 || (bits > 64) != (request.getHashKey2() != 0)) {
          throw new IllegalArgumentException("hash keys must be nonzero (the second exactly when tag bits > 64)"
              + " and tag bits in 1..128");
        }
        VerificationTag t = a.verify(request.getRawFrameId(), request.getHashKey(), request.getHashKey2(), bits);
        return VerifyReply.newBuilder().setTag(t.tag()).setTag2(t.tag2()).build();
      });
    }
  }

  @Override
  public void commit(CommitRequest request, StreamObserver<CommitReply> response) {
    AliceFrames a = alice(response);
    if (a != null) {
      answer(response, () -> {
        if (request.getSecureBits() < 0) {
          throw new IllegalArgumentException("secure_bits beyond 2^31");
        }
        if (request.getBlockRawFrameIdsCount() > AliceFrames.MAX_BLOCK_FRAMES) {
          throw new IllegalArgumentException("a block holds at most " + AliceFrames.MAX_BLOCK_FRAMES + " frames, got "
              + request.getBlockRawFrameIdsCount());
        }
        List<Long> block = request.getBlockRawFrameIdsList();
        long seedBits = (long) request.getToeplitzSeed().size() * 8;
        CommitResult r = a.commit(request.getRawFrameId(), request.getPoolFrameId(), request.getSecureBits(),
            PostProcessingProtoMapper.seed(request.getToeplitzSeed(), seedLength(a, block, request, seedBits)), block);
        return CommitReply.newBuilder().setOutcome(r.appended() ? CommitReply.Outcome.APPENDED
            : CommitReply.Outcome.REFUSED).setDetail(r.detail()).setNextPoolFrameId(r.nextPoolFrameId()).build();
      });
    }
  }

  /** The seed's bit length is not on the wire: it follows from the block's key and the output length. */
  private static int seedLength(AliceFrames a, List<Long> block, CommitRequest r, long bytesAsBits) {
    int exact = a.seedBits(block, r.getSecureBits());
    return exact < 0 ? (int) Math.min(bytesAsBits, Integer.MAX_VALUE) : exact;
  }

  @Override
  public void drop(DropRequest request, StreamObserver<DropReply> response) {
    AliceFrames a = alice(response);
    if (a != null) {
      String reason = request.getReason().length() > 200 ? request.getReason().substring(0, 200) : request.getReason();
      answer(response, () -> DropReply.newBuilder()
          .setNextPoolFrameId(a.drop(request.getRawFrameId(), reason)).build());
    }
  }
}
