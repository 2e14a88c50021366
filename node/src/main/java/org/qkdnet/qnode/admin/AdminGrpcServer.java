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

  private AdminGrpcServer(Server server, HealthStatusManager health, ThreadPoolExecutor calls) {
    this.server = server;
    this.health = health;
    this.calls = calls;
  }

  public static AdminGrpcServer start(String host, int port, LinkTls tls, Set<String> operators, AdminView view) {
    OperatorAuthInterceptor auth = new OperatorAuthInterceptor(operators);
    HealthStatusManager health = new HealthStatusManager();
    ThreadPoolExecutor calls = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
      Thread t = new Thread(r, "admin-" + view.station());
      t.setDaemon(true);
      return t;
    });
    calls.allowCoreThreadTimeOut(true);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
        .executor(calls)
        .sslContext(tls.server())
        .maxConcurrentCallsPerConnection(16)
        .maxInboundMessageSize(64 * 1024)
        .maxInboundMetadataSize(16 * 1024)
        .addService(ServerInterceptors.intercept(new AdminGrpcService(view), auth))
        .addService(ServerInterceptors.intercept(health.getHealthService(), auth))
        .addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), auth))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      calls.shutdownNow();
      throw new UncheckedIOException("cannot bind the admin API on " + host + ":" + port, e);
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus("qnode.v1.AdminService", ServingStatus.SERVING);
    return new AdminGrpcServer(server, health, calls);
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
  }
}
