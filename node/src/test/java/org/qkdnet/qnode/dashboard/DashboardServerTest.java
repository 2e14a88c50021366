package org.qkdnet.qnode.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.admin.NetworkPicture;
import org.qkdnet.qnode.config.DashboardSettings;
import org.qkdnet.qnode.crypto.DevPki;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.events.EventHub;
import org.qkdnet.qnode.events.NetworkEvent;

/**
 * The dashboard's HTTPS endpoint with real mutual TLS (a development PKI of the local ring): the
 * page and its files for an operator, SAE, station and unlisted operator certificates refused
 * with 403, no certificate refused by the handshake, the picture as JSON, the event stream
 * (picture first, then changes and the hub's events), the cap on streams, and no outside URL in
 * anything the page loads.
 */
class DashboardServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir static Path pki;
  private static SSLContext stationTls;

  private final AtomicReference<NetworkPicture> picture = new AtomicReference<>(DashboardJsonTest.picture("UP"));
  private EventHub hub;
  private DashboardServer server;

  @BeforeAll
  static void writePki() throws Exception {
    // "mallory" holds an operator certificate of the CA but is not one of the topology's operators
    DevPki.writeAll(pki, List.of("ALP", "BRA", "CHA", "DEL"), List.of("ALP-APP1"), List.of("admin", "mallory"));
    stationTls = tls("stations", "ALP");
  }

  @BeforeEach
  void start() throws Exception {
    hub = new EventHub("ALP", 64, 20, InstantSource.system());
    server = DashboardServer.start("127.0.0.1", 0, stationTls, Set.of("admin"),
        new DashboardJson(DashboardJsonTest.LOCAL, 4L << 20), picture::get, hub,
        new DashboardSettings(true, 2, Duration.ofMillis(100)), "ALP");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static SSLContext tls(String group, String id) throws Exception {
    return TlsContexts.mutualTls(Pem.readIdentity(pki.resolve(group).resolve(id + ".crt"),
        pki.resolve(group).resolve(id + ".key")), Pem.readCertificate(pki.resolve("ca.crt")));
  }

  private URI uri(String path) {
    return URI.create("https://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> get(SSLContext tls, String path) throws Exception {
    HttpClient c = HttpClient.newBuilder().sslContext(tls).connectTimeout(WAIT).build();
    return c.send(HttpRequest.newBuilder(uri(path)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void page_operator_getsThePageAndItsFiles_withAStrictContentPolicy() throws Exception {
    SSLContext op = tls("operators", "admin");
    HttpResponse<String> page = get(op, "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'")
        .contains("connect-src 'self'");
    assertThat(page.body()).contains("<svg id=\"map\"").contains("dashboard.js").contains("dashboard.css");
    assertThat(get(op, "/dashboard.js").body()).contains("new EventSource('api/events')");
    assertThat(get(op, "/dashboard.css").statusCode()).isEqualTo(200);
    assertThat(get(op, "/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void files_containNoOutsideUrl() throws Exception {
    SSLContext op = tls("operators", "admin");
    Pattern absolute = Pattern.compile("(?i)(https?:)?//[a-z0-9.\\[]");
    Pattern attribute = Pattern.compile("(?i)(src|href|action)\\s*=\\s*[\"']([^\"']*)[\"']");
    for (String path : List.of("/", "/dashboard.js", "/dashboard.css")) {
      String body = get(op, path).body();
      assertThat(body).as(path).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://");
      // every referenced file is relative to the station's own page
      var m = attribute.matcher(body);
      while (m.find()) {
        assertThat(m.group(2)).as(path + ": " + m.group()).doesNotContain(":").doesNotStartWith("/");
      }
      // nor protocol-relative (//host/...) in an attribute, a url() or a string; comments excluded
      String code = body.replaceAll("(?m)^\\s*//.*$", "").replaceAll("(?s)/\\*.*?\\*/", "")
          .replaceAll("(?s)<!--.*?-->", "");
      assertThat(absolute.matcher(code).find()).as(path).isFalse();
    }
  }

  @Test
  void picture_operator_getsTheNetworkAsJson() throws Exception {
    HttpResponse<String> r = get(tls("operators", "admin"), "/api/picture");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("stations").findValuesAsText("id")).containsExactly("ALP", "BRA", "CHA", "DEL");
    assertThat(p.get("links")).hasSize(4);
  }

  @Test
  void saeStationOrUnlistedOperatorCertificate_gets403() throws Exception {
    for (SSLContext who : List.of(tls("saes", "ALP-APP1"), tls("stations", "BRA"), tls("operators", "mallory"))) {
      for (String path : List.of("/", "/api/picture", "/api/events")) {
        HttpResponse<String> r = get(who, path);
        assertThat(r.statusCode()).as(path).isEqualTo(403);
        assertThat(r.body()).doesNotContain("ALP-BRA");
      }
    }
    assertThat(get(tls("saes", "ALP-APP1"), "/").body()).contains("not an operator's");
    assertThat(get(tls("operators", "mallory"), "/").body()).contains("not one of the topology's operators");
  }

  @Test
  void noClientCertificate_handshakeRefused() throws Exception {
    SSLContext trustOnly = SSLContext.getInstance("TLS");
    trustOnly.init(null, TlsContexts.trustManagers(Pem.readCertificate(pki.resolve("ca.crt"))).getTrustManagers(),
        new SecureRandom());
    assertThatThrownBy(() -> get(trustOnly, "/api/picture")).isInstanceOf(IOException.class);
  }

  @Test
  void notGet_is405() throws Exception {
    HttpClient c = HttpClient.newBuilder().sslContext(tls("operators", "admin")).build();
    HttpResponse<String> r = c.send(HttpRequest.newBuilder(uri("/api/picture")).timeout(WAIT)
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
  }

  /** An open event stream, read line by line; every read waits at most {@link #WAIT}. */
  private final class Stream implements AutoCloseable {
    final HttpsURLConnection conn;
    final BufferedReader in;

    Stream(SSLContext tls) throws Exception {
      conn = (HttpsURLConnection) new URL(uri("/api/events").toString()).openConnection();
      conn.setSSLSocketFactory(tls.getSocketFactory());
      conn.setConnectTimeout((int) WAIT.toMillis());
      conn.setReadTimeout((int) WAIT.toMillis());
      in = conn.getResponseCode() == 200
          ? new BufferedReader(new InputStreamReader(conn.getInputStream(), StandardCharsets.UTF_8)) : null;
    }

    /** The data of the next event named {@code name}, skipping others (at most 200 lines). */
    JsonNode next(String name) throws IOException {
      String event = null;
      for (int i = 0; i < 200; i++) {
        String line = in.readLine();
        if (line == null) {
          throw new IOException("stream ended before a " + name + " event");
        }
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && name.equals(event)) {
          return JSON.readTree(line.substring(6));
        }
      }
      throw new IOException("no " + name + " event in 200 lines");
    }

    @Override
    public void close() {
      conn.disconnect();
    }
  }

  @Test
  void events_pictureFirst_thenChangesAndHubEvents() throws Exception {
    try (Stream s = new Stream(tls("operators", "admin"))) {
      assertThat(s.conn.getContentType()).startsWith("text/event-stream");
      JsonNode first = s.next("picture");
      assertThat(first.get("links").get(0).get("state").asText()).isEqualTo("UP");

      picture.set(DashboardJsonTest.picture("ADMIN_DOWN"));
      // a picture the poller took before the change may come first; the changed one within a few
      JsonNode changed = s.next("picture");
      for (int i = 0; i < 3 && changed.get("links").get(0).get("state").asText().equals("UP"); i++) {
        changed = s.next("picture");
      }
      assertThat(changed.get("links").get(0).get("state").asText()).isEqualTo("ADMIN_DOWN");

      hub.publish(NetworkEvent.Kind.LINK, "ALP-BRA", "UP -> ADMIN_DOWN");
      JsonNode link = s.next("link");
      assertThat(link.get("subject").asText()).isEqualTo("ALP-BRA");
      hub.publish(NetworkEvent.Kind.RELAY, "ALP->CHA", "delivered via ALP,BRA,CHA in 5 ms");
      assertThat(s.next("relay").get("relay").get("paths").get(0).size()).isEqualTo(3);
    }
  }

  @Test
  void events_oneStreamOverTheCap_gets503_andTheSlotFreesWhenAPageLeaves() throws Exception {
    SSLContext op = tls("operators", "admin");
    try (Stream a = new Stream(op); Stream b = new Stream(op)) {
      a.next("picture");
      b.next("picture");
      try (Stream c = new Stream(op)) {
        assertThat(c.conn.getResponseCode()).isEqualTo(503);
        assertThat(c.conn.getHeaderField("Retry-After")).isEqualTo("5");
      }
    }
    // the server notices a page that left when it next writes to it: changing pictures make it write
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          picture.set(DashboardJsonTest.picture(n.incrementAndGet() % 2 == 0 ? "DOWN" : "QUARANTINED"));
          return server.streamCount() == 0;
        });
    try (Stream d = new Stream(op)) {
      assertThat(d.conn.getResponseCode()).isEqualTo(200);
      d.next("picture");
    }
  }
}
