package org.qkdnet.qnode.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.kme.etsi014.Etsi014Recorder;
import org.qkdnet.qnode.link.bb84.LinkStats;

class StationMetricsTest {
  private final StationMetrics metrics = StationMetrics.create("ALP");

  @AfterEach
  void close() {
    metrics.close();
  }

  private PrometheusText page() {
    return PrometheusText.parse(metrics.scrape());
  }

  private static LinkStats.Snapshot snapshot(double qber, double f, long done, long dropped) {
    return new LinkStats.Snapshot(1e6, 5e4, 2e4, qber, f, done, dropped, Map.of(), "t", 1, 0);
  }

  @Test
  void bindLink_finishedKey_poolsAndRateFollowTheViewAndNoPostProcessingSeries() {
    AtomicLong send = new AtomicLong(1000);
    metrics.bindLink(new LinkView("ALP-BRA", "BRA", send::get, () -> 2000, () -> 300, () -> 12345.0, null));

    PrometheusText p = page();
    assertThat(p.sum("qnode_link_pool_bytes", Map.of("link", "ALP-BRA", "peer", "BRA", "direction", "send")))
        .isEqualTo(1000);
    assertThat(p.sum("qnode_link_pool_bytes", Map.of("direction", "receive"))).isEqualTo(2000);
    assertThat(p.sum("qnode_link_pool_bytes", Map.of("direction", "unassigned"))).isEqualTo(300);
    assertThat(p.sum("qnode_link_secure_bits_per_second", Map.of("link", "ALP-BRA"))).isEqualTo(12345.0);
    assertThat(p.named("qnode_link_qber")).isEmpty();
    assertThat(p.named("qnode_link_frames_dropped_total")).isEmpty();
    assertThat(p.named("qnode_link_pool_bytes")).allMatch(s -> "ALP".equals(s.label("station")));

    send.set(40);
    assertThat(page().sum("qnode_link_pool_bytes", Map.of("direction", "send"))).isEqualTo(40);
  }

  @Test
  void bindLink_bb84_publishesQberEfficiencySiftedRateAndDrops() {
    AtomicReference<LinkStats.Snapshot> s = new AtomicReference<>(snapshot(0, Double.NaN, 0, 0));
    metrics.bindLink(new LinkView("ALP-BRA", "BRA", () -> 1, () -> 2, () -> 3, () -> s.get().secureBps(), s::get));

    PrometheusText before = page();
    assertThat(before.named("qnode_link_qber").get(0).value()).isNaN(); // no frame done yet
    s.set(snapshot(0.021, 1.12, 7, 3));

    PrometheusText p = page();
    Map<String, String> link = Map.of("link", "ALP-BRA");
    assertThat(p.sum("qnode_link_qber", link)).isEqualTo(0.021);
    assertThat(p.sum("qnode_link_cascade_efficiency", link)).isEqualTo(1.12);
    assertThat(p.sum("qnode_link_sifted_bits_per_second", link)).isEqualTo(5e4);
    assertThat(p.sum("qnode_link_secure_bits_per_second", link)).isEqualTo(2e4);
    assertThat(p.sum("qnode_link_frames_dropped_total", link)).isEqualTo(3);
    assertThat(p.sum("qnode_link_frames_done_total", link)).isEqualTo(7);
  }

  @Test
  void bindLink_withDemand_publishesKeyUseAndShortOfKey_withoutIt_neither() {
    java.util.concurrent.atomic.AtomicBoolean shortOfKey = new java.util.concurrent.atomic.AtomicBoolean(false);
    metrics.bindLink(new LinkView("ALP-BRA", "BRA", () -> 1, () -> 2, () -> 3, () -> 4.0, null, () -> 812.5,
        shortOfKey::get));
    metrics.bindLink(new LinkView("ALP-DEL", "DEL", () -> 1, () -> 2, () -> 3, () -> 4.0, null));

    PrometheusText p = page();
    assertThat(p.sum("qnode_link_key_use_bytes_per_second", Map.of("link", "ALP-BRA"))).isEqualTo(812.5);
    assertThat(p.sum("qnode_link_short_of_key", Map.of("link", "ALP-BRA"))).isEqualTo(0);
    assertThat(p.find("qnode_link_short_of_key", Map.of("link", "ALP-DEL"))).isEmpty();
    shortOfKey.set(true);
    assertThat(page().sum("qnode_link_short_of_key", Map.of("link", "ALP-BRA"))).isEqualTo(1);
    assertThatThrownBy(() -> new LinkView("ALP-BRA", "BRA", () -> 1, () -> 2, () -> 3, () -> 4.0, null, () -> 1.0,
        null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("come together");
  }

  @Test
  void bindLink_viewsHeldOnlyByTheRegistry_surviveGarbageCollection() {
    // Micrometer holds gauge objects weakly unless told otherwise: a collected view reads NaN
    metrics.bindLink(new LinkView("ALP-BRA", "BRA", () -> 1, () -> 2, () -> 3, () -> 4.0,
        () -> snapshot(0.01, 1.1, 1, 1)));
    metrics.bindCluster(() -> Map.of("up", 2));
    for (int i = 0; i < 3; i++) {
      System.gc();
    }

    PrometheusText p = page();
    assertThat(p.named("qnode_link_pool_bytes")).hasSize(3).noneMatch(s -> Double.isNaN(s.value()));
    assertThat(p.sum("qnode_link_secure_bits_per_second", Map.of())).isEqualTo(4.0);
    assertThat(p.sum("qnode_link_qber", Map.of())).isEqualTo(0.01);
    assertThat(p.sum("qnode_link_frames_dropped_total", Map.of())).isEqualTo(1);
    assertThat(p.sum("qnode_cluster_members", Map.of("status", "up"))).isEqualTo(2);
  }

  @Test
  void bindLink_viewThrows_showsNaNAndThePageStillRenders() {
    metrics.bindLink(new LinkView("ALP-BRA", "BRA", () -> {
      throw new IllegalStateException("store closed");
    }, () -> 2, () -> 3, () -> 1.0, null));

    assertThat(page().find("qnode_link_pool_bytes", Map.of("direction", "send")).get(0).value()).isNaN();
  }

  @Test
  void relays_deliveredAndFailed_countedByOutcomeAndReasonWithLatencyHistogram() {
    metrics.relays().relayEnded("CHA", "", 3_000_000);
    metrics.relays().relayEnded("CHA", "", 40_000_000);
    metrics.relays().relayEnded("CHA", "NO_ROUTE", 1_000_000);
    metrics.relays().hopAnswered("BRA", "", 2_000_000);
    metrics.relays().hopAnswered("DEL", "UNREACHABLE", 9_000_000);

    PrometheusText p = page();
    assertThat(p.sum("qnode_relays_total", Map.of("destination", "CHA", "outcome", "delivered", "reason", "none")))
        .isEqualTo(2);
    assertThat(p.sum("qnode_relays_total", Map.of("outcome", "failed", "reason", "NO_ROUTE"))).isEqualTo(1);
    assertThat(p.sum("qnode_relay_seconds_count", Map.of("outcome", "delivered"))).isEqualTo(2);
    assertThat(p.sum("qnode_relay_seconds_sum", Map.of("outcome", "delivered"))).isEqualTo(0.043);
    // cumulative buckets: 3 ms is within le=0.005, 40 ms only from le=0.05
    assertThat(p.sum("qnode_relay_seconds_bucket", Map.of("outcome", "delivered", "le", "0.005"))).isEqualTo(1);
    assertThat(p.sum("qnode_relay_seconds_bucket", Map.of("outcome", "delivered", "le", "0.05"))).isEqualTo(2);
    assertThat(p.sum("qnode_relay_hop_seconds_count", Map.of("next", "BRA", "outcome", "accepted"))).isEqualTo(1);
    assertThat(p.sum("qnode_relay_hop_seconds_count", Map.of("next", "DEL", "reason", "UNREACHABLE"))).isEqualTo(1);
  }

  @Test
  void etsi014_requestsCountedByEndpointAndStatusWithLatency() {
    metrics.etsi014().answered(Etsi014Recorder.ENC_KEYS, 200, 5_000_000);
    metrics.etsi014().answered(Etsi014Recorder.ENC_KEYS, 401, 1_000_000);
    metrics.etsi014().answered(Etsi014Recorder.STATUS, 200, 1_000_000);

    PrometheusText p = page();
    assertThat(p.sum("qnode_etsi014_requests_total", Map.of("endpoint", "enc_keys", "status", "401"))).isEqualTo(1);
    assertThat(p.sum("qnode_etsi014_requests_total", Map.of("status", "200"))).isEqualTo(2);
    assertThat(p.sum("qnode_etsi014_request_seconds_count", Map.of("endpoint", "enc_keys"))).isEqualTo(2);
  }

  @Test
  void endpointOf_knownPaths_givesFixedNamesNeverTheSaeId() {
    assertThat(Etsi014Recorder.endpointOf("/api/v1/keys/CHA-APP1/enc_keys")).isEqualTo("enc_keys");
    assertThat(Etsi014Recorder.endpointOf("/api/v1/keys/CHA-APP1/dec_keys")).isEqualTo("dec_keys");
    assertThat(Etsi014Recorder.endpointOf("/api/v1/keys/CHA-APP1/status")).isEqualTo("status");
    assertThat(Etsi014Recorder.endpointOf("/api/v1/keys/CHA-APP1/CHA-APP1")).isEqualTo("other");
    assertThat(Etsi014Recorder.endpointOf("/api/v1/keys//status")).isEqualTo("other");
    assertThat(Etsi014Recorder.endpointOf("/")).isEqualTo("other");
  }

  @Test
  void store_waitsAndFsyncsAreTimed() {
    metrics.store().waited(2_000_000);
    metrics.store().fsynced(1_000_000);
    metrics.store().fsynced(3_000_000);

    PrometheusText p = page();
    assertThat(p.sum("qnode_store_sync_wait_seconds_count", Map.of())).isEqualTo(1);
    assertThat(p.sum("qnode_store_fsync_seconds_count", Map.of())).isEqualTo(2);
    assertThat(p.sum("qnode_store_fsync_seconds_sum", Map.of())).isEqualTo(0.004);
  }

  @Test
  void bindCluster_membersByStatusAndUnreachable() {
    Map<String, Integer> counts = new HashMap<>(Map.of("up", 3, "leaving", 1, "unreachable", 1));
    metrics.bindCluster(() -> counts);

    PrometheusText p = page();
    assertThat(p.sum("qnode_cluster_members", Map.of("status", "up"))).isEqualTo(3);
    assertThat(p.sum("qnode_cluster_members", Map.of("status", "leaving"))).isEqualTo(1);
    assertThat(p.sum("qnode_cluster_members", Map.of("status", "joining"))).isEqualTo(0);
    assertThat(p.sum("qnode_cluster_unreachable_members", Map.of())).isEqualTo(1);
    assertThat(ClusterMetrics.tagOf("WeaklyUp")).isEqualTo("weakly_up");
    assertThat(ClusterMetrics.tagOf("PreparingForShutdown")).isEqualTo("preparing_for_shutdown");
  }

  @Test
  void create_bindsJvmBasics() {
    assertThat(page().names("")).contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
        "process_uptime_seconds", "system_cpu_count");
  }

  @Test
  void twoStations_haveSeparateRegistries() {
    try (StationMetrics other = StationMetrics.create("BRA")) {
      other.relays().relayEnded("CHA", "", 1_000_000);

      assertThat(page().named("qnode_relays_total")).isEmpty();
      assertThat(PrometheusText.parse(other.scrape()).sum("qnode_relays_total", Map.of("station", "BRA")))
          .isEqualTo(1);
    }
  }
}
