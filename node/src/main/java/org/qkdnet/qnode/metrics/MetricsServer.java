package org.qkdnet.qnode.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} over plain HTTP (the JDK's server, one thread): the Prometheus text page
 * that {@code page} writes. Anything else is 404 or 405. No TLS and no authentication: it binds
 * where it is told, loopback by default ({@code qnode.metrics.host}).
 */
public final class MetricsServer implements AutoCloseable {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code host:port} (0 picks a free port) and serves {@code page}. */
  public static MetricsServer start(String host, int port, Supplier<String> page, String threadName)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    server.createContext("/", exchange -> handle(exchange, page));
    server.setExecutor(executor);
    server.start();
    return new MetricsServer(server, executor);
  }

  private static void handle(HttpExchange exchange, Supplier<String> page) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      if (!exchange.getRequestURI().getPath().equals("/metrics")) {
        send(exchange, 404, "not found\n", false);
        return;
      }
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "method not allowed\n", false);
        return;
      }
      String body;
      try {
        body = page.get();
      } catch (RuntimeException e) {
        log.warn("metrics page failed: {}", e.toString());
        send(exchange, 500, "metrics unavailable\n", false);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      send(exchange, 200, body, method.equals("HEAD"));
    }
  }

  private static void send(HttpExchange exchange, int status, String body, boolean headOnly) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (headOnly) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String host() {
    return server.getAddress().getHostString();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
