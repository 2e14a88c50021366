package org.qkdnet.qnode.linkservice;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.qkdnet.qnode.keystore.ApplyResult;
import org.qkdnet.qnode.keystore.AssignmentEntry;
import org.qkdnet.qnode.link.AssignmentTransport;
import org.qkdnet.qnode.link.FrameAnnounceResult;
import org.qkdnet.qnode.link.FrameTransport;
import org.qkdnet.qnode.link.bb84.CascadeBatch;
import org.qkdnet.qnode.link.bb84.CommitResult;
import org.qkdnet.qnode.link.bb84.EstimateReplyData;
import org.qkdnet.qnode.link.bb84.PostProcessingTransport;
import org.qkdnet.qnode.postprocessing.estimation.FrameStatistics;
import org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;
import org.qkdnet.qnode.proto.v1.Assignments;
import org.qkdnet.qnode.postprocessing.verification.VerificationTag;
import org.qkdnet.qnode.proto.v1.CommitReply;
import org.qkdnet.qnode.proto.v1.KeyGrant;
import org.qkdnet.qnode.proto.v1.KeyRequest;
import org.qkdnet.qnode.proto.v1.CommitRequest;
import org.qkdnet.qnode.proto.v1.DropReply;
import org.qkdnet.qnode.proto.v1.DropRequest;
import org.qkdnet.qnode.proto.v1.EstimateReply;
import org.qkdnet.qnode.proto.v1.EstimateRequest;
import org.qkdnet.qnode.proto.v1.SiftReply;
import org.qkdnet.qnode.proto.v1.VerifyReply;
import org.qkdnet.qnode.proto.v1.VerifyRequest;
import org.qkdnet.qnode.proto.v1.FrameAck;
import org.qkdnet.qnode.proto.v1.FrameAnnounce;
import org.qkdnet.qnode.proto.v1.LinkServiceGrpc;
import org.qkdnet.qnode.proto.v1.PingReply;
import org.qkdnet.qnode.proto.v1.PingRequest;
import org.qkdnet.qnode.proto.v1.RelayAck;
import org.qkdnet.qnode.relay.HopFaults;
import org.qkdnet.qnode.relay.HopMessage;
import org.qkdnet.qnode.relay.HopTransport;
import org.qkdnet.qnode.relay.RelayOutcome;

/** Client side of LinkService toward each neighbour: one TLS channel per neighbour. */
public final class NeighbourClients
    implements HopTransport, FrameTransport, PostProcessingTransport, AssignmentTransport, AutoCloseable {
  /** Where a neighbour's LinkService listens. */
  public record Address(String host, int port) {}

  private static final long ANNOUNCE_TIMEOUT_MS = 3_000;
  /** Post-processing calls: sifting a large frame on a loaded station can take a while. */
  private static final long POSTPROCESS_TIMEOUT_MS = 20_000;

  private final String self;
  private final LinkTls tls;
  private final Function<String, Address> addresses;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  /** Runs the calls' callbacks (instead of gRPC's executor shared by all stations of a JVM). */
  private final java.util.concurrent.ExecutorService callbacks;

  public NeighbourClients(String self, LinkTls tls, Function<String, Address> addresses) {
    this.self = self;
    this.tls = tls;
    this.addresses = addresses;
    this.callbacks = java.util.concurrent.Executors.newCachedThreadPool(
        org.qkdnet.qnode.logging.StationMdc.threads(self, "linkclient-" + self, true));
  }

  private LinkServiceGrpc.LinkServiceStub stub(String neighbour) {
    ManagedChannel ch = channels.computeIfAbsent(neighbour, n -> {
      Address a = addresses.apply(n);
      return NettyChannelBuilder.forAddress(a.host(), a.port())
          .sslContext(tls.clientFor(n))
          .maxInboundMessageSize(LinkGrpcServer.MAX_INBOUND_BYTES)
          .keepAliveTime(30, TimeUnit.SECONDS)
          .executor(callbacks)
          .build();
    });
    return LinkServiceGrpc.newStub(ch);
  }

  @Override
  public CompletionStage<RelayOutcome> send(HopMessage original, long timeoutMillis) {
    Optional<HopFaults.Fault> fault = HopFaults.take(self);
    HopMessage message = fault.map(f -> HopFaults.apply(f, original)).orElse(original);
    HopFaults.notifySent(self, message);
    CompletionStage<RelayOutcome> first = sendOnce(message, timeoutMillis);
    if (fault.isPresent() && fault.get() == HopFaults.Fault.SEND_TWICE) {
      return first.thenCompose(o -> sendOnce(message, timeoutMillis));
    }
    return first;
  }

  private CompletionStage<RelayOutcome> sendOnce(HopMessage message, long timeoutMillis) {
    CompletableFuture<RelayOutcome> result = new CompletableFuture<>();
    String next = message.receiver();
    stub(next).withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .relay(RelayProtoMapper.toProto(message), new StreamObserver<>() {
          @Override
          public void onNext(RelayAck ack) {
            result.complete(RelayProtoMapper.fromProto(ack));
          }

          @Override
          public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            String reason = s.getCode() == Status.Code.DEADLINE_EXCEEDED ? RelayOutcome.TIMEOUT
                : RelayOutcome.UNREACHABLE;
            // the neighbour did not answer at transport level: name it, so routes avoid it at once
            result.complete(RelayOutcome.unreachable(message.relayId(), reason,
                "hop " + message.hop() + " to " + next + " failed: " + s.getCode()
                    + (s.getDescription() == null ? "" : " (" + s.getDescription() + ")"), self, next));
          }

          @Override
          public void onCompleted() {
            result.complete(RelayOutcome.failed(message.relayId(), RelayOutcome.INTERNAL,
                "no answer from " + next, self));
          }
        });
    return result;
  }

  @Override
  public CompletionStage<FrameAnnounceResult> announce(String peer, long frameId, int frameBytes) {
    CompletableFuture<FrameAnnounceResult> result = new CompletableFuture<>();
    stub(peer).withDeadlineAfter(ANNOUNCE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .announceFrame(FrameAnnounce.newBuilder().setFromStation(self).setFrameId(frameId)
            .setFrameBytes(frameBytes).build(), new StreamObserver<>() {
              @Override
              public void onNext(FrameAck ack) {
                FrameAnnounceResult.Outcome o = switch (ack.getOutcome()) {
                  case APPENDED -> FrameAnnounceResult.Outcome.APPENDED;
                  case POOL_FULL -> FrameAnnounceResult.Outcome.POOL_FULL;
                  default -> FrameAnnounceResult.Outcome.REJECTED;
                };
                result.complete(new FrameAnnounceResult(o, ack.getDetail(), ack.getNextFrameId()));
              }

              @Override
              public void onError(Throwable t) {
                result.completeExceptionally(new StatusRuntimeException(Status.fromThrowable(t)));
              }

              @Override
              public void onCompleted() {
                result.completeExceptionally(new IllegalStateException("no frame ack from " + peer));
              }
            });
    return result;
  }

  /**
   * Sends this end's audit of the link to {@code peer} and returns the peer's (issue 10 item 2).
   * A peer whose end of the link is quarantined answers FAILED_PRECONDITION, its description
   * beginning with "link quarantined at" ({@link #quarantinedAtPeer}).
   */
  public CompletionStage<org.qkdnet.qnode.keystore.LinkAudit> audit(String peer,
      org.qkdnet.qnode.keystore.LinkAudit mine) {
    return unary(peer, AuditProtoMapper.toProto(mine), LinkServiceGrpc.LinkServiceStub::audit, ANNOUNCE_TIMEOUT_MS,
        AuditProtoMapper::fromProto);
  }

  /** The peer's reason if {@code failure} of an audit says its end of the link is quarantined. */
  public static java.util.Optional<String> quarantinedAtPeer(Throwable failure) {
    Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    Status st = Status.fromThrowable(t);
    String d = st.getDescription();
    if (st.getCode() == Status.Code.FAILED_PRECONDITION && d != null
        && d.startsWith(LinkGrpcService.QUARANTINED_AT)) {
      return java.util.Optional.of(RelayProtoMapper.printable(d, AuditProtoMapper.MAX_REASON_CHARS));
    }
    return java.util.Optional.empty();
  }

  /**
   * Proposes the re-key of a quarantined link to {@code peer} (this end is the lower id): the new
   * {@code epoch} and this end's position; returns the peer's position from before it restarted.
   */
  public CompletionStage<org.qkdnet.qnode.keystore.LinkPosition> rekey(String peer, long epoch,
      org.qkdnet.qnode.keystore.LinkPosition mine, String reason) {
    return unary(peer, AuditProtoMapper.toProto(epoch, mine, reason), LinkServiceGrpc.LinkServiceStub::rekey,
        ANNOUNCE_TIMEOUT_MS, (org.qkdnet.qnode.proto.v1.LinkRekey r) -> {
          if (r.getEpoch() != epoch) {
            throw new IllegalStateException("re-key answer from " + peer + " names another epoch");
          }
          return AuditProtoMapper.positionFromProto(r);
        });
  }

  @Override
  public CompletionStage<String> ping(String peer) {
    ManagedChannel ch = channels.get(peer);
    if (ch != null && ch.getState(false) == io.grpc.ConnectivityState.TRANSIENT_FAILURE) {
      // a restarted neighbour should be seen at the next ping, not after gRPC's reconnect backoff
      // (which grows to two minutes); pings are few, so they may pace the reconnects
      ch.resetConnectBackoff();
    }
    CompletableFuture<String> result = new CompletableFuture<>();
    stub(peer).withDeadlineAfter(ANNOUNCE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .ping(PingRequest.newBuilder().setFromStation(self).build(), new StreamObserver<>() {
          @Override
          public void onNext(PingReply reply) {
            result.complete(reply.getStation());
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(new StatusRuntimeException(Status.fromThrowable(t)));
          }

          @Override
          public void onCompleted() {
            result.completeExceptionally(new IllegalStateException("no ping reply from " + peer));
          }
        });
    return result;
  }

  /** One unary call with the post-processing deadline. */
  private interface Call<Q, R> {
    void invoke(LinkServiceGrpc.LinkServiceStub stub, Q request, StreamObserver<R> observer);
  }

  private <Q, R, T> CompletionStage<T> unary(String peer, Q request, Call<Q, R> call, Function<R, T> convert) {
    return unary(peer, request, call, POSTPROCESS_TIMEOUT_MS, convert);
  }

  private <Q, R, T> CompletionStage<T> unary(String peer, Q request, Call<Q, R> call, long timeoutMs,
      Function<R, T> convert) {
    CompletableFuture<T> result = new CompletableFuture<>();
    call.invoke(stub(peer).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS), request,
        new StreamObserver<>() {
          @Override
          public void onNext(R reply) {
            try {
              result.complete(convert.apply(reply));
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(new StatusRuntimeException(Status.fromThrowable(t)));
          }

          @Override
          public void onCompleted() {
            result.completeExceptionally(new IllegalStateException("no answer from " + peer));
          }
        });
    return result;
  }

  @Override
  public CompletionStage<SiftingReply> sift(String peer, SiftingAnnouncement a) {
    return unary(peer, PostProcessingProtoMapper.toProto(a), LinkServiceGrpc.LinkServiceStub::sift,
        (SiftReply r) -> PostProcessingProtoMapper.fromProto(a.frame(), a.size(), r));
  }

  @Override
  public CompletionStage<EstimateReplyData> estimate(String peer, long raw,
      org.qkdnet.qnode.postprocessing.sifting.BitString disclosed, long permutationSeed) {
    EstimateRequest q = EstimateRequest.newBuilder().setRawFrameId(raw).setDisclosedLength(disclosed.length())
        .setDisclosed(PostProcessingProtoMapper.bytes(disclosed)).setPermutationSeed(permutationSeed).build();
    return unary(peer, q, LinkServiceGrpc.LinkServiceStub::estimate, (EstimateReply r) -> new EstimateReplyData(
        PostProcessingProtoMapper.bits(r.getDisclosed(), r.getDisclosedLength(), "disclosed"),
        new FrameStatistics.SentPulses(r.getSentSignal(), r.getSentDecoy(), r.getSentVacuum()), r.getDropReason()));
  }

  @Override
  public CompletionStage<List<CascadeBatch.Answer>> reconcile(String peer, List<CascadeBatch.Round> rounds) {
    return unary(peer, PostProcessingProtoMapper.toProto(rounds), LinkServiceGrpc.LinkServiceStub::reconcile,
        PostProcessingProtoMapper::fromProto);
  }

  @Override
  public CompletionStage<VerificationTag> verify(String peer, long raw, long hashKey, long hashKey2, int tagBits) {
    VerifyRequest q = VerifyRequest.newBuilder().setRawFrameId(raw).setHashKey(hashKey).setHashKey2(hashKey2)
        .setTagBits(tagBits).build();
    return unary(peer, q, LinkServiceGrpc.LinkServiceStub::verify,
        (VerifyReply r) -> new VerificationTag(raw, hashKey, hashKey2, tagBits, r.getTag(), r.getTag2()));
  }

  @Override
  public CompletionStage<CommitResult> commit(String peer, long raw, long poolFrameId, int secureBits,
      org.qkdnet.qnode.postprocessing.cascade.BitString seed, List<Long> blockRaws) {
    CommitRequest q = CommitRequest.newBuilder().setRawFrameId(raw).setPoolFrameId(poolFrameId)
        .setSecureBits(secureBits).setToeplitzSeed(PostProcessingProtoMapper.bytes(seed))
        .addAllBlockRawFrameIds(blockRaws).build();
    return unary(peer, q, LinkServiceGrpc.LinkServiceStub::commit, (CommitReply r) -> new CommitResult(
        r.getOutcome() == CommitReply.Outcome.APPENDED, r.getDetail(), r.getNextPoolFrameId()));
  }

  @Override
  public CompletionStage<Long> drop(String peer, long raw, String reason) {
    return unary(peer, DropRequest.newBuilder().setRawFrameId(raw).setReason(reason).build(),
        LinkServiceGrpc.LinkServiceStub::drop, DropReply::getNextPoolFrameId);
  }

  @Override
  public CompletionStage<Grant> requestKey(String assigner, long wantBytes, long needBytes, long nextSeq,
      long linkBytes) {
    KeyRequest q = KeyRequest.newBuilder().setWantBytes(wantBytes).setNeedBytes(needBytes).setNextSeq(nextSeq)
        .setLinkBytes(linkBytes).build();
    return unary(assigner, q, LinkServiceGrpc.LinkServiceStub::requestKey, ANNOUNCE_TIMEOUT_MS,
        (KeyGrant g) -> new Grant(AssignmentProtoMapper.fromProto(g.getEntriesList()), g.getLinkBytes()));
  }

  @Override
  public CompletionStage<ApplyResult> applyAssignments(String peer, List<AssignmentEntry> entries) {
    Assignments q = Assignments.newBuilder().addAllEntries(AssignmentProtoMapper.toProto(entries)).build();
    return unary(peer, q, LinkServiceGrpc.LinkServiceStub::applyAssignments, ANNOUNCE_TIMEOUT_MS,
        AssignmentProtoMapper::fromProto);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdown);
    for (ManagedChannel ch : channels.values()) {
      try {
        if (!ch.awaitTermination(2, TimeUnit.SECONDS)) {
          ch.shutdownNow();
        }
      } catch (InterruptedException e) {
        ch.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    callbacks.shutdown();
  }
}
