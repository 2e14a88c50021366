package org.qkdnet.qnode.admin;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.qkdnet.qnode.linkservice.LinkTls;

/**
 * The station's admin endpoint: AdminService, standard gRPC health ({@code grpc.health.v1}) and
 * server reflection on its own port, mutual TLS with the station's certificate; every call needs an
 * operator certificate of a topology operator ({@link OperatorAuthInterceptor}). Calls are few and
 * small: a small bounded pool, 16 calls per connection.
 */
public final class AdminGrpcServer implements AutoCloseable {
  private final Server server;
  private final HealthStatusManager health;
  private final ThreadPoolExecutor calls;
  private final AdminForwarder forwarder;

  private AdminGrpcServer(Server server, HealthStatusManager health, ThreadPoolExecutor calls,
      AdminForwarder forwarder) {
    this.server = server;
    this.health = health;
    this.calls = calls;
    this.forwarder = forwarder;
  }

  /**
   * @param forwardTls this station's client side toward other stations' admin APIs
   * @param adminAddress every station's admin endpoint, by id
   */
  public static AdminGrpcServer start(String host, int port, LinkTls tls, Set<String> operators, AdminView view,
      io.grpc.netty.shaded.io.netty.handler.ssl.SslContext forwardTls,
      java.util.function.Function<String, InetSocketAddress> adminAddress) {
    Set<String> stations = new java.util.HashSet<>();
    view.topology().stations().forEach(s -> stations.add(s.id()));
    OperatorAuthInterceptor auth = new OperatorAuthInterceptor(operators, stations);
    AdminForwarder forwarder = new AdminForwarder(forwardTls, adminAddress);
    HealthStatusManager health = new HealthStatusManager();
    ThreadPoolExecutor calls = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
        org.qkdnet.qnode.logging.StationMdc.threads(view.station(), "admin-" + view.station(), true));
    calls.allowCoreThreadTimeOut(true);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .executor(calls)
        .sslContext(tls.server())
        .maxConcurrentCallsPerConnection(16)
        .maxInboundMessageSize(64 * 1024)
        .maxInboundMetadataSize(16 * 1024)
        .addService(ServerInterceptors.intercept(new AdminGrpcService(view, forwarder), auth))
        .addService(ServerInterceptors.intercept(health.getHealthService(), auth))
        .addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), auth))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      calls.shutdownNow();
      forwarder.close();
      throw new UncheckedIOException("cannot bind the admin API on " + host + ":" + port, e);
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus("qnode.v1.AdminService", ServingStatus.SERVING);
    return new AdminGrpcServer(server, health, calls, forwarder);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    health.enterTerminalState();
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
    forwarder.close();
  }
}
