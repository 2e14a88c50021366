package org.qkdnet.qnode.admin;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.qkdnet.qnode.proto.v1.AdminServiceGrpc;

/**
 * Carries an operator's command for another station to that station's admin API, authenticated
 * with this station's certificate and naming the operator in {@link #ON_BEHALF_OF}; the receiving
 * station admits it only for itself ({@link OperatorAuthInterceptor}).
 */
final class AdminForwarder implements AutoCloseable {
  static final Metadata.Key<String> ON_BEHALF_OF =
      Metadata.Key.of("qnode-on-behalf-of", Metadata.ASCII_STRING_MARSHALLER);

  private final SslContext tls;
  private final Function<String, InetSocketAddress> adminAddress;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  AdminForwarder(SslContext tls, Function<String, InetSocketAddress> adminAddress) {
    this.tls = tls;
    this.adminAddress = adminAddress;
  }

  /** A stub for {@code station}'s admin API acting for {@code operator}, with {@code seconds} to answer. */
  AdminServiceGrpc.AdminServiceBlockingStub to(String station, String operator, int seconds) {
    ManagedChannel ch = channels.computeIfAbsent(station, s -> {
      InetSocketAddress a = adminAddress.apply(s);
      return NettyChannelBuilder.forAddress(a.getHostString(), a.getPort()).sslContext(tls).build();
    });
    Metadata md = new Metadata();
    md.put(ON_BEHALF_OF, operator);
    return AdminServiceGrpc.newBlockingStub(ch).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
        .withDeadlineAfter(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
