package org.qkdnet.qnode.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.qkdnet.qnode.admin.NetworkPicture;
import org.qkdnet.qnode.config.DashboardSettings;
import org.qkdnet.qnode.crypto.PeerIdentity;
import org.qkdnet.qnode.crypto.Role;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.events.EventHub;
import org.qkdnet.qnode.logging.StationMdc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The station's live topology map for operators, over HTTPS with a required client certificate
 * (the JDK's server, a bounded pool of threads): {@code GET /} the page, {@code /dashboard.js} and
 * {@code /dashboard.css} its only other files (all from the station's own resources), {@code GET
 * /api/picture} the network picture as JSON, {@code GET /api/events} a {@code text/event-stream}:
 * a {@code picture} event at once and whenever the picture changes (looked at every {@code
 * refresh}), plus the station's member, link, route, alarm and relay events as they come.
 *
 * <p>Only an operator certificate of the topology's operators gets anything: SAE and station
 * certificates get 403, and without a certificate of the network's CA the TLS handshake fails.
 * At most {@code max-clients} event streams at once; one more gets 503.
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);
  /** Threads for requests that are not event streams, beside one per stream. */
  static final int SPARE_THREADS = 4;
  /** A comment line this often keeps an idle stream open and finds a page that went away. */
  static final long KEEP_ALIVE_MILLIS = 10_000;
  /** The page's EventSource waits this long before it reconnects. */
  static final long RETRY_MILLIS = 2_000;
  /**
   * Nothing from outside the station: scripts, styles and connections to this origin only; no
   * frames, forms or plugins.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** The page's files, by request path: resource name and content type. */
  private static final Map<String, String[]> FILES = Map.of(
      "/", new String[] {"index.html", "text/html; charset=utf-8"},
      "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
      "/dashboard.js", new String[] {"dashboard.js", "text/javascript; charset=utf-8"},
      "/dashboard.css", new String[] {"dashboard.css", "text/css; charset=utf-8"});
  private static final String RESOURCE_DIR = "/org/qkdnet/qnode/dashboard/";

  private final HttpsServer server;
  private final ExecutorService requests;
  private final ScheduledExecutorService poller;
  private final Set<String> operators;
  private final DashboardJson json;
  private final Supplier<NetworkPicture> picture;
  private final EventHub events;
  private final Semaphore streamSlots;
  private final Set<EventStream> streams = new CopyOnWriteArraySet<>();
  private final Map<String, byte[]> files;
  private final String station;
  private volatile String lastPicture = "";
  private volatile boolean closed;

  private DashboardServer(HttpsServer server, ExecutorService requests, ScheduledExecutorService poller,
      Set<String> operators, DashboardJson json, Supplier<NetworkPicture> picture, EventHub events, int maxClients,
      Map<String, byte[]> files, String station) {
    this.server = server;
    this.requests = requests;
    this.poller = poller;
    this.operators = Set.copyOf(operators);
    this.json = json;
    this.picture = picture;
    this.events = events;
    this.streamSlots = new Semaphore(maxClients);
    this.files = files;
    this.station = station;
  }

  /**
   * Binds {@code host:port} (0 picks a free port) with {@code tls} (the station's identity,
   * trusting the network's CA) and serves the dashboard of {@code station}.
   *
   * @param picture the network as the station sees it now (called on the poller's thread and per request)
   */
  public static DashboardServer start(String host, int port, SSLContext tls, Set<String> operators, DashboardJson json,
      Supplier<NetworkPicture> picture, EventHub events, DashboardSettings settings, String station)
      throws IOException {
    Map<String, byte[]> files = new java.util.HashMap<>();
    for (String[] f : FILES.values()) {
      files.put(f[0], resource(f[0]));
    }
    HttpsServer server = HttpsServer.create(new InetSocketAddress(host, port), 32);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        // our protocols and suites, and a client certificate required by the handshake itself
        params.setSSLParameters(TlsContexts.serverParameters(getSSLContext()));
      }
    });
    ExecutorService requests = Executors.newFixedThreadPool(settings.maxClients() + SPARE_THREADS,
        StationMdc.threads(station, "qnode-dashboard-" + station, true));
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
        StationMdc.threads(station, "qnode-dashboard-poll-" + station, false));
    DashboardServer d = new DashboardServer(server, requests, poller, operators, json, picture, events,
        settings.maxClients(), Map.copyOf(files), station);
    server.createContext("/", d::handle);
    server.setExecutor(requests);
    server.start();
    long every = settings.refresh().toMillis();
    poller.scheduleWithFixedDelay(d::poll, every, every, TimeUnit.MILLISECONDS);
    return d;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = DashboardServer.class.getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) {
        throw new IOException("dashboard resource " + RESOURCE_DIR + name + " is missing from the build");
      }
      return in.readAllBytes();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Optional<String> refused = refusal(exchange);
      if (refused.isPresent()) {
        send(exchange, 403, "text/plain; charset=utf-8", (refused.get() + "\n").getBytes(StandardCharsets.UTF_8));
        return;
      }
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      boolean head = method.equals("HEAD");
      if (!method.equals("GET") && !head) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String[] file = FILES.get(path);
      if (file != null) {
        send(exchange, 200, file[1], head ? null : files.get(file[0]));
      } else if (path.equals("/api/picture")) {
        byte[] body = json.picture(picture.get()).getBytes(StandardCharsets.UTF_8);
        send(exchange, 200, "application/json", head ? null : body);
      } else if (path.equals("/api/events") && !head) {
        stream(exchange);
      } else {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException | RuntimeException e) {
      log.debug("dashboard request ended: {}", e.toString());
    }
  }

  /** Why this connection's certificate may not see the dashboard, or empty for an operator of the topology. */
  private Optional<String> refusal(HttpExchange exchange) {
    Optional<PeerIdentity> peer = exchange instanceof HttpsExchange https
        ? PeerIdentity.ofSession(https.getSSLSession()) : Optional.empty();
    if (peer.isEmpty()) {
      return Optional.of("an operator client certificate is required");
    }
    if (peer.get().role() != Role.OPERATOR) {
      log.info("dashboard refused a {} certificate ({}): operators only", peer.get().role().ou(), peer.get().id());
      return Optional.of("a " + peer.get().role().ou() + " certificate is not an operator's:"
          + " the dashboard takes operator certificates only");
    }
    if (!operators.contains(peer.get().id())) {
      log.info("dashboard refused operator {}: not one of the topology's operators", peer.get().id());
      return Optional.of("operator " + peer.get().id() + " is not one of the topology's operators");
    }
    return Optional.empty();
  }

  /** One page's event stream, on this request's thread until the page goes away or falls behind. */
  private void stream(HttpExchange exchange) throws IOException {
    if (!streamSlots.tryAcquire()) {
      exchange.getResponseHeaders().set("Retry-After", "5");
      send(exchange, 503, "text/plain; charset=utf-8",
          "too many live dashboards on this station; try again later\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    EventStream s = new EventStream();
    streams.add(s);
    try (EventHub.Subscription sub = events.subscribe(true, s::offerEvent)) {
      headers(exchange, "text/event-stream; charset=utf-8");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      write(out, "retry: " + RETRY_MILLIS + "\n\n");
      String sent = json.picture(picture.get());
      write(out, EventStream.frame("picture", sent));
      while (!closed && !s.overflowed()) {
        EventStream.Item item = s.next(KEEP_ALIVE_MILLIS);
        if (item == null) {
          write(out, ": keep-alive\n\n");
        } else if (item instanceof EventStream.Picture p) {
          // the poller's first look may repeat the picture this page started with
          if (!p.json().equals(sent)) {
            sent = p.json();
            write(out, EventStream.frame("picture", sent));
          }
        } else if (item instanceof EventStream.Event e) {
          write(out, EventStream.frame(e.event().kind().name().toLowerCase(Locale.ROOT),
              DashboardJson.event(e.event())));
        }
      }
      if (s.overflowed()) {
        log.info("dashboard stream of station {} fell {} events behind: closed (the page reconnects)",
            station, EventStream.CAPACITY);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      streams.remove(s);
      streamSlots.release();
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Looks at the network and hands a changed picture to every open stream. */
  private void poll() {
    if (streams.isEmpty() || closed) {
      return;
    }
    try {
      String now = json.picture(picture.get());
      if (!now.equals(lastPicture)) {
        lastPicture = now;
        streams.forEach(s -> s.offerPicture(now));
      }
    } catch (RuntimeException e) {
      log.warn("dashboard of station {}: picture failed: {}", station, e.toString());
    }
  }

  private static void headers(HttpExchange exchange, String contentType) {
    var h = exchange.getResponseHeaders();
    h.set("Content-Type", contentType);
    h.set("Cache-Control", "no-store");
    h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
  }

  /** Sends {@code body}; null for a HEAD answer (headers only). */
  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    headers(exchange, contentType);
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String host() {
    return server.getAddress().getHostString();
  }

  /** Event streams open now. */
  public int streamCount() {
    return streams.size();
  }

  @Override
  public void close() {
    closed = true;
    poller.shutdownNow();
    // interrupts the stream loops waiting for their next event, then drops every connection
    requests.shutdownNow();
    server.stop(0);
    try {
      if (!requests.awaitTermination(2, TimeUnit.SECONDS)) {
        log.warn("dashboard of station {}: request threads still running after close", station);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
