package org.qkdnet.qnode.linkservice;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.qkdnet.qnode.link.DirectionSupply;
import org.qkdnet.qnode.link.LinkKeySupply;
import org.qkdnet.qnode.link.bb84.Bb84LinkEnd;
import org.qkdnet.qnode.relay.RelayEngine;

/** The station's LinkService endpoint: mutual TLS, neighbours only, bounded messages. */
public final class LinkGrpcServer implements AutoCloseable {
  /**
   * Far above any legal hop (128 keys x 512 bytes + header) and any post-processing message of a
   * frame of at most {@link PostProcessingProtoMapper#MAX_DETECTIONS} detections (slot gaps of up
   * to 5 bytes, one basis bit; a Toeplitz seed of twice the key), far below memory trouble.
   */
  static final int MAX_INBOUND_BYTES = 24 * 1024 * 1024;

  /** Concurrent calls one neighbour may have open on its connection (relays, post-processing). */
  static final int MAX_CALLS_PER_CONNECTION = 256;

  private final Server server;
  private final java.util.concurrent.ExecutorService calls;
  private final java.util.concurrent.ExecutorService postProcessing;

  private LinkGrpcServer(Server server, java.util.concurrent.ExecutorService calls,
      java.util.concurrent.ExecutorService postProcessing) {
    this.server = server;
    this.calls = calls;
    this.postProcessing = postProcessing;
  }

  public static LinkGrpcServer start(String host, int port, LinkTls tls, String self, Set<String> neighbours,
      RelayEngine relay, Map<String, LinkKeySupply> links, Map<String, Bb84LinkEnd> bb84,
      Map<String, DirectionSupply> supplies) {
    // Alice's post-processing steps get their own pools below relays' priority (relays first): the
    // background tier while the caller's link has key, the urgent tier while it is short
    // (PostProcessingUrgency); each queue bounds what neighbours can pile up there (Bob has a few
    // frames in flight per link). The link is the calling peer's, read where the call submits.
    java.util.concurrent.ExecutorService postProcessing = org.qkdnet.qnode.link.BackgroundPriority.executor(
        self, "postprocess-" + self, Math.max(1, Runtime.getRuntime().availableProcessors()), 256,
        () -> org.qkdnet.qnode.link.PostProcessingUrgency.linkShort(self, PeerAuthInterceptor.PEER_STATION.get()));
    LinkGrpcService service = new LinkGrpcService(self, relay, links, bb84, supplies, postProcessing);
    // Calls run on a bounded pool (they do blocking store work); with calls per connection capped
    // and only neighbours admitted, its queue cannot fill: at most neighbours x calls are pending.
    int threads = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    java.util.concurrent.ThreadPoolExecutor calls = new java.util.concurrent.ThreadPoolExecutor(threads, threads,
        60, TimeUnit.SECONDS,
        new java.util.concurrent.ArrayBlockingQueue<>(Math.max(1024, 2 * MAX_CALLS_PER_CONNECTION
            * Math.max(1, neighbours.size()))),
        org.qkdnet.qnode.logging.StationMdc.threads(self, "linkservice-" + self, false));
    calls.allowCoreThreadTimeOut(true);
    Server server = limited(NettyServerBuilder.forAddress(new InetSocketAddress(host, port)).executor(calls),
        MAX_CALLS_PER_CONNECTION)
        .sslContext(tls.server())
        .addService(ServerInterceptors.intercept(service, new PeerAuthInterceptor(neighbours)))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      calls.shutdownNow();
      postProcessing.shutdownNow();
      throw new UncheckedIOException("cannot bind LinkService on " + host + ":" + port, e);
    }
    return new LinkGrpcServer(server, calls, postProcessing);
  }

  /**
   * The limits every LinkService endpoint has: {@code maxCallsPerConnection} calls open at once per
   * connection (one neighbour cannot hold the endpoint's threads; further calls wait in HTTP/2
   * until one ends, and other connections are not affected), bounded inbound messages and
   * metadata, keep-alive and idle rules.
   */
  static NettyServerBuilder limited(NettyServerBuilder b, int maxCallsPerConnection) {
    return b.maxConcurrentCallsPerConnection(maxCallsPerConnection)
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .maxInboundMetadataSize(16 * 1024)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .maxConnectionIdle(10, TimeUnit.MINUTES);
  }

  public int port() {
    return server.getPort();
  }

  /** Fault injection: stops serving at once, dropping every connection, as a killed process would. */
  public void kill() {
    server.shutdownNow();
    calls.shutdownNow();
    postProcessing.shutdownNow();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(3, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    calls.shutdown();
    postProcessing.shutdown();
  }
}
