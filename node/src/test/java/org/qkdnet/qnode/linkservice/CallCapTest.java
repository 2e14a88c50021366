package org.qkdnet.qnode.linkservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.proto.v1.LinkServiceGrpc;
import org.qkdnet.qnode.proto.v1.PingReply;
import org.qkdnet.qnode.proto.v1.PingRequest;

/**
 * Issue 10 item 4: the per-connection call cap of LinkService endpoints
 * ({@link LinkGrpcServer#limited}). A neighbour that opens more calls than the cap gets the rest
 * queued (none run, none fail) until one ends, and another neighbour's connection still gets in.
 * Plaintext on loopback with a cap of 2 and a handler that holds each call; the station's server
 * applies the same limits with {@link LinkGrpcServer#MAX_CALLS_PER_CONNECTION}.
 */
class CallCapTest {
  private static final int CAP = 2;

  /** Holds every Ping until released, counting the calls inside at once. */
  private static final class HoldingService extends LinkServiceGrpc.LinkServiceImplBase {
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger mostInside = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void ping(PingRequest request, StreamObserver<PingReply> response) {
      mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inside.decrementAndGet();
      response.onNext(PingReply.newBuilder().setStation("T").build());
      response.onCompleted();
    }
  }

  @Test
  void callsBeyondTheCap_waitOnTheirConnection_andOtherConnectionsStillGetIn() throws Exception {
    HoldingService service = new HoldingService();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    Server server = LinkGrpcServer.limited(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .executor(pool), CAP).addService(service).build().start();
    ManagedChannel flooder = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    ManagedChannel other = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      List<CountDownLatch> done = new ArrayList<>();
      LinkServiceGrpc.LinkServiceStub stub = LinkServiceGrpc.newStub(flooder).withDeadlineAfter(60, TimeUnit.SECONDS);
      AtomicInteger failed = new AtomicInteger();
      for (int i = 0; i < 6; i++) {
        CountDownLatch d = new CountDownLatch(1);
        done.add(d);
        stub.ping(PingRequest.newBuilder().setFromStation("F").build(), observer(d, failed));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> service.inside.get() == CAP);
      // and it stays at the cap: no call past it gets in while the first ones are held
      await("calls running for one connection stay at the cap").during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2)).until(() -> service.inside.get() == CAP);

      // another neighbour's connection is not held up by the first one's queue
      CountDownLatch otherDone = new CountDownLatch(1);
      LinkServiceGrpc.newStub(other).withDeadlineAfter(60, TimeUnit.SECONDS)
          .ping(PingRequest.newBuilder().setFromStation("O").build(), observer(otherDone, failed));
      await().atMost(Duration.ofSeconds(20)).until(() -> service.inside.get() == CAP + 1);

      service.release.countDown();
      for (CountDownLatch d : done) {
        assertThat(d.await(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(otherDone.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(failed.get()).as("calls queued beyond the cap fail").isZero();
      assertThat(service.mostInside.get()).isEqualTo(CAP + 1);
    } finally {
      service.release.countDown();
      flooder.shutdownNow();
      other.shutdownNow();
      server.shutdownNow();
      pool.shutdownNow();
    }
  }

  private static StreamObserver<PingReply> observer(CountDownLatch done, AtomicInteger failed) {
    return new StreamObserver<>() {
      @Override
      public void onNext(PingReply value) { }

      @Override
      public void onError(Throwable t) {
        failed.incrementAndGet();
        done.countDown();
      }

      @Override
      public void onCompleted() {
        done.countDown();
      }
    };
  }
}
