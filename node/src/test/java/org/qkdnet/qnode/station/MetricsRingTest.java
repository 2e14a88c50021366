package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.TestRings;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.metrics.PrometheusText;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * Issue 8 item 3: every station of the local ring serves its own Prometheus page over real HTTP,
 * and after a few relays the page shows them (relay, ETSI 014 and link series), never a key.
 */
class MetricsRingTest {
  private static final int RELAYS = 5;
  private static final Set<String> LINKS = Set.of("ALP-BRA", "BRA-CHA", "CHA-DEL", "DEL-ALP");

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private String fetch(Station s) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.metricsUrl().orElseThrow()))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET /metrics of %s", s.id()).isEqualTo(200);
    return r.body();
  }

  private Map<String, String> pages(LocalNetwork net) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (Station s : net.stations()) {
      out.put(s.id(), fetch(s));
    }
    return out;
  }

  @Test
  void relaysAndRequests_showOnEveryStationsPage_withoutKeyMaterial() throws Exception {
    Config cfg = TestRings.finishedKeyLocal();
    try (LocalNetwork net = LocalNetwork.start(cfg, dir, id -> { })) {
      TestRings.awaitRoutable(net);
      net.awaitRoutes("ALP", "CHA", "ALP-APP1", "CHA-APP1", Duration.ofSeconds(90));
      for (Station s : net.stations()) {
        // the derived port: base-port + 10 x index + 4, two above the station's ETSI 014 port
        assertThat(s.metricsUrl()).hasValue("http://127.0.0.1:" + (s.httpsPort() + 2) + "/metrics");
      }
      PrometheusText alpBefore = PrometheusText.parse(fetch(net.station("ALP")));
      PrometheusText chaBefore = PrometheusText.parse(fetch(net.station("CHA")));

      Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
      Etsi014Client slave = new Etsi014Client(net.etsi014Url("CHA"), net.saeTls("CHA-APP1"), Duration.ofSeconds(10));
      List<byte[]> keys = new ArrayList<>();
      for (int i = 0; i < RELAYS; i++) {
        Etsi014Client.Key k = master.encKeys("CHA-APP1", 1, 256).get(0);
        keys.add(k.key().copyBytes());
        keys.add(slave.decKeys("ALP-APP1", List.of(k.keyId())).get(0).key().copyBytes());
      }
      // the access policy: CHA-APP2 shares keys with ALP-APP1 only
      Etsi014Client del = new Etsi014Client(net.etsi014Url("DEL"), net.saeTls("DEL-APP1"), Duration.ofSeconds(10));
      assertThatThrownBy(() -> del.encKeys("CHA-APP2", 1, 256))
          .isInstanceOfSatisfying(Etsi014Client.Etsi014Error.class, e -> assertThat(e.status()).isEqualTo(401));

      Map<String, String> pages = pages(net);
      Map<String, PrometheusText> parsed = new LinkedHashMap<>();
      pages.forEach((id, page) -> parsed.put(id, PrometheusText.parse(page)));

      Set<String> poolLinks = new HashSet<>();
      for (Map.Entry<String, PrometheusText> e : parsed.entrySet()) {
        PrometheusText p = e.getValue();
        assertThat(p.names("qnode_")).as("qnode series of %s", e.getKey()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(p.sum("qnode_cluster_members", Map.of("status", "up"))).as("members up at %s", e.getKey())
            .isEqualTo(4);
        assertThat(p.find("qnode_link_pool_bytes", Map.of("direction", "send"))).hasSize(2);
        p.find("qnode_link_pool_bytes", Map.of()).forEach(s -> poolLinks.add(s.label("link")));
        assertThat(p.named("qnode_link_secure_bits_per_second")).hasSize(2).allMatch(s -> s.value() > 0);
        // finished-key-sim links have no QBER, Cascade or dropped frames of their own
        assertThat(p.named("qnode_link_qber")).isEmpty();
        assertThat(p.named("qnode_link_cascade_efficiency")).isEmpty();
        assertThat(p.names("jvm_")).isNotEmpty();
        assertThat(p.named("qnode_relays_total")).allMatch(s -> e.getKey().equals(s.label("station")));
      }
      assertThat(poolLinks).isEqualTo(LINKS);

      PrometheusText alp = parsed.get("ALP");
      Map<String, String> delivered = Map.of("destination", "CHA", "outcome", "delivered");
      assertThat(alp.sum("qnode_relays_total", delivered) - alpBefore.sum("qnode_relays_total", delivered))
          .isEqualTo(RELAYS);
      assertThat(alp.sum("qnode_relay_seconds_count", delivered)
          - alpBefore.sum("qnode_relay_seconds_count", delivered)).isEqualTo(RELAYS);
      assertThat(alp.sum("qnode_relay_hop_seconds_count", Map.of("outcome", "accepted"))
          - alpBefore.sum("qnode_relay_hop_seconds_count", Map.of("outcome", "accepted")))
          .isGreaterThanOrEqualTo(RELAYS);
      Map<String, String> encOk = Map.of("endpoint", "enc_keys", "status", "200");
      assertThat(alp.sum("qnode_etsi014_requests_total", encOk) - alpBefore.sum("qnode_etsi014_requests_total", encOk))
          .isEqualTo(RELAYS);
      assertThat(alp.sum("qnode_store_sync_wait_seconds_count", Map.of())).isPositive();

      PrometheusText cha = parsed.get("CHA");
      Map<String, String> decOk = Map.of("endpoint", "dec_keys", "status", "200");
      assertThat(cha.sum("qnode_etsi014_requests_total", decOk) - chaBefore.sum("qnode_etsi014_requests_total", decOk))
          .isEqualTo(RELAYS);
      assertThat(cha.named("qnode_relays_total")).as("CHA originated no relay").isEmpty();

      PrometheusText delPage = parsed.get("DEL");
      assertThat(delPage.sum("qnode_etsi014_requests_total", Map.of("endpoint", "enc_keys", "status", "401")))
          .isEqualTo(1);

      HexFormat hex = HexFormat.of();
      for (byte[] k : keys) {
        List<String> forms = List.of(hex.formatHex(k), hex.withUpperCase().formatHex(k),
            Base64.getEncoder().encodeToString(k), Base64.getUrlEncoder().withoutPadding().encodeToString(k));
        for (Map.Entry<String, String> page : pages.entrySet()) {
          for (String form : forms) {
            assertThat(page.getValue()).as("page of %s holds no delivered key", page.getKey()).doesNotContain(form);
          }
        }
      }
    }
  }
}
