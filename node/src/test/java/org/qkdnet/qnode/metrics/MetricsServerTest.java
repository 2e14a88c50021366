package org.qkdnet.qnode.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> call(String method, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void serve_getMetrics_returnsPrometheusTextOnLoopback() throws Exception {
    try (StationMetrics m = StationMetrics.create("ALP")) {
      m.relays().relayEnded("CHA", "", 1_000_000);
      int port = m.serve("127.0.0.1", 0, "test-metrics");

      HttpResponse<String> r = call("GET", "http://127.0.0.1:" + port + "/metrics");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsServer.CONTENT_TYPE);
      assertThat(PrometheusText.parse(r.body()).sum("qnode_relays_total", Map.of("station", "ALP"))).isEqualTo(1);
      assertThat(m.url()).hasValue("http://127.0.0.1:" + port + "/metrics");
    }
  }

  @Test
  void serve_otherPathOrMethod_is404Or405() throws Exception {
    try (MetricsServer s = MetricsServer.start("127.0.0.1", 0, () -> "x 1\n", "test-metrics")) {
      String base = "http://127.0.0.1:" + s.port();

      assertThat(call("GET", base + "/").statusCode()).isEqualTo(404);
      assertThat(call("GET", base + "/metrics/x").statusCode()).isEqualTo(404);
      HttpResponse<String> post = call("POST", base + "/metrics");
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
      assertThat(call("HEAD", base + "/metrics").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void serve_pageFails_is500AndTheServerKeepsServing() throws Exception {
    boolean[] fail = {true};
    try (MetricsServer s = MetricsServer.start("127.0.0.1", 0, () -> {
      if (fail[0]) {
        throw new IllegalStateException("boom");
      }
      return "x 1\n";
    }, "test-metrics")) {
      String url = "http://127.0.0.1:" + s.port() + "/metrics";

      assertThat(call("GET", url).statusCode()).isEqualTo(500);
      fail[0] = false;
      assertThat(call("GET", url).body()).isEqualTo("x 1\n");
    }
  }

  @Test
  void closeServerThenClose_stopsOnceAndTheUrlIsGone() throws Exception {
    StationMetrics m = StationMetrics.create("ALP");
    int port = m.serve("127.0.0.1", 0, "test-metrics");

    m.closeServer();
    m.close();

    assertThat(m.url()).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> call("GET", "http://127.0.0.1:" + port + "/metrics"))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void close_stopsServing() throws Exception {
    MetricsServer s = MetricsServer.start("127.0.0.1", 0, () -> "x 1\n", "test-metrics");
    String url = "http://127.0.0.1:" + s.port() + "/metrics";
    assertThat(call("GET", url).statusCode()).isEqualTo(200);

    s.close();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> call("GET", url))
        .isInstanceOf(java.io.IOException.class);
  }
}
