package org.qkdnet.qnode.linkservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.crypto.TestKek;
import org.qkdnet.qnode.keystore.ApplyResult;
import org.qkdnet.qnode.keystore.AssignmentEntry;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.link.AssignmentTransport;
import org.qkdnet.qnode.link.DirectionSupply;
import org.qkdnet.qnode.proto.v1.Assignments;
import org.qkdnet.qnode.proto.v1.AssignmentsAck;
import org.qkdnet.qnode.proto.v1.KeyGrant;
import org.qkdnet.qnode.proto.v1.KeyRequest;
import org.qkdnet.qnode.proto.v1.SiftReply;
import org.qkdnet.qnode.proto.v1.SiftRequest;

/**
 * Relays first: the key-supply calls a relay may wait on are answered on the LinkService's own
 * call thread, not queued behind Alice's post-processing steps (whose pool runs at the lowest
 * priority and may be full). Here that pool refuses everything, as a saturated one does.
 */
class SupplyCallsPriorityTest {
  @TempDir Path dir;
  private StationKeyStore aaa;
  private StationKeyStore bbb;

  @AfterEach
  void close() {
    if (aaa != null) {
      aaa.close();
    }
    if (bbb != null) {
      bbb.close();
    }
  }

  /** Captures one unary answer. */
  private static final class Answer<T> implements StreamObserver<T> {
    final CompletableFuture<T> value = new CompletableFuture<>();

    @Override
    public void onNext(T v) {
      value.complete(v);
    }

    @Override
    public void onError(Throwable t) {
      value.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {}
  }

  @Test
  void supplyCalls_answeredWhilePostProcessingPoolRefusesWork_postProcessingCallsAreNot() throws Exception {
    aaa = StationKeyStore.open(dir.resolve("a"), "AAA", TestKek.kek());
    bbb = StationKeyStore.open(dir.resolve("b"), "BBB", TestKek.kek());
    byte[] frame = new byte[4_000];
    new Random(3).nextBytes(frame);
    try (KeyMaterial k1 = KeyMaterial.wrap(frame.clone()); KeyMaterial k2 = KeyMaterial.wrap(frame)) {
      aaa.appendFrame("BBB", 0, k1);
      bbb.appendFrame("AAA", 0, k2);
    }
    AssignmentTransport unused = new AssignmentTransport() {
      @Override
      public java.util.concurrent.CompletionStage<Grant> requestKey(String assigner, long want, long need,
          long nextSeq, long linkBytes) {
        return CompletableFuture.failedFuture(new IllegalStateException("not used"));
      }

      @Override
      public java.util.concurrent.CompletionStage<ApplyResult> applyAssignments(String p, List<AssignmentEntry> e) {
        return CompletableFuture.failedFuture(new IllegalStateException("not used"));
      }
    };
    DirectionSupply assigner = new DirectionSupply("AAA", "BBB", aaa, unused, 1_024, 5_000);
    AtomicInteger refused = new AtomicInteger();
    java.util.concurrent.Executor saturated = r -> {
      refused.incrementAndGet();
      throw new RejectedExecutionException("full");
    };
    LinkGrpcService service = new LinkGrpcService("AAA", null, Map.of(), Map.of(), Map.of("BBB", assigner), saturated);
    Context asBbb = Context.current().withValue(PeerAuthInterceptor.PEER_STATION, "BBB");

    Answer<KeyGrant> grant = new Answer<>();
    asBbb.run(() -> service.requestKey(KeyRequest.newBuilder().setWantBytes(500).setNeedBytes(500)
        .setLinkBytes(4_000).build(), grant));
    KeyGrant g = grant.value.get(5, TimeUnit.SECONDS);
    assertThat(g.getEntriesList()).hasSize(1);
    assertThat(g.getEntries(0).getLength()).isEqualTo(500);
    assertThat(g.getEntries(0).getToStation()).isEqualTo("AAA");

    // BBB's end applies the assigner's entries, also with its post-processing pool refusing work
    DirectionSupply applier = new DirectionSupply("BBB", "AAA", bbb, unused, 1_024, 5_000);
    LinkGrpcService atBbb = new LinkGrpcService("BBB", null, Map.of(), Map.of(), Map.of("AAA", applier), saturated);
    Answer<AssignmentsAck> ack = new Answer<>();
    Context.current().withValue(PeerAuthInterceptor.PEER_STATION, "AAA").run(() ->
        atBbb.applyAssignments(Assignments.newBuilder().addAllEntries(g.getEntriesList()).build(), ack));
    AssignmentsAck a = ack.value.get(5, TimeUnit.SECONDS);
    assertThat(a.getApplied()).isEqualTo(1);
    assertThat(bbb.availableToSend("AAA")).isEqualTo(500);
    assertThat(refused).as("no supply call went to the post-processing pool").hasValue(0);

    // a post-processing step still goes there (and is refused while it is full)
    Answer<SiftReply> sift = new Answer<>();
    asBbb.run(() -> service.sift(SiftRequest.getDefaultInstance(), sift));
    assertThat(sift.value).isCompletedExceptionally();
  }
}
