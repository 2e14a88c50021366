package org.qkdnet.qnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.routing.LinkReport;
import org.qkdnet.qnode.routing.LinkStatus;
import org.qkdnet.qnode.routing.StationReport;

/** StationReports cross the wire with the product's serialization settings (Java serialization off). */
class StationReportSerializationTest {
  private static ActorSystem<Void> system;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "qnode", ClusterTestConfig.station("SER", ""));
    serialization = SerializationExtension.get(system.classicSystem());
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(15, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void config_productSettings_keepJavaSerializationOff() {
    assertThat(system.settings().config().getBoolean("pekko.actor.allow-java-serialization")).isFalse();
  }

  @Test
  void findSerializer_stationReport_isJacksonCbor() {
    StationReport report = ClusterTestConfig.report("WUH", 42, 1);
    assertThat(serialization.findSerializerFor(report)).isInstanceOf(JacksonCborSerializer.class);
  }

  @Test
  void roundTrip_reportWithNaNAndEveryStatus_isEqual() {
    List<LinkReport> links = new ArrayList<>();
    double[] qbers = {Double.NaN, 0.0, 0.0312, 1.0};
    double[] fs = {Double.NaN, 1.0, 1.16, 2.5};
    int i = 0;
    for (LinkStatus status : LinkStatus.values()) {
      links.add(new LinkReport("WUH", "P" + i, status, Long.MAX_VALUE - i, i, 0, i == 0 ? 0.0 : 1e6 / i, qbers[i],
          fs[i], i == 3 ? Long.MAX_VALUE : 7L * i, i == 0 ? 0 : 1_767_225_600_000L + 10_000L * i, 1_536.0 * i,
          i % 2 == 1));
      i++;
    }
    StationReport report = new StationReport("WUH", -7_366_221_451_235L, Long.MAX_VALUE, false, true, links);

    StationReport back = roundTrip(report);

    assertThat(back).isEqualTo(report);
    assertThat(back.links()).extracting(LinkReport::status).containsExactly(LinkStatus.values());
    assertThat(back.link("P0").orElseThrow().qber()).isNaN();
    assertThat(back.link("P2").orElseThrow().qber()).isEqualTo(0.0312);
    assertThat(back.link("P0").orElseThrow().cascadeEfficiency()).isNaN();
    assertThat(back.link("P2").orElseThrow().cascadeEfficiency()).isEqualTo(1.16);
    assertThat(back.link("P3").orElseThrow().framesDropped()).isEqualTo(Long.MAX_VALUE);
    assertThat(back.link("P0").orElseThrow().lastFrameMillis()).isZero();
    assertThat(back.link("P1").orElseThrow().lastFrameMillis()).isEqualTo(1_767_225_610_000L);
    assertThat(back.link("P1").orElseThrow().keyUseBytesPerSecond()).isEqualTo(1_536.0);
    assertThat(back.link("P1").orElseThrow().shortOfKey()).isTrue();
    assertThat(back.link("P2").orElseThrow().shortOfKey()).isFalse();
  }

  /**
   * StationReport has no Jackson migration (version scheme): compatibility across a rolling upgrade
   * rests on Pekko's FAIL_ON_UNKNOWN_PROPERTIES = off (an older station skips fields it does not
   * know) and on absent fields reading as 0 (a newer station reads an older one's report: no f,
   * no drops, no last frame).
   */
  @Test
  void deserialize_reportOfAnOlderStationWithoutTheFrameFigures_readsThemAsAbsent() throws Exception {
    StationReport report = ClusterTestConfig.report("WUH", 42, 1);
    ObjectMapper cbor = JacksonObjectMapperProvider.get(system.classicSystem()).getOrCreate("jackson-cbor",
        Optional.empty());
    Serializer serializer = serialization.findSerializerFor(report);
    assertThat(serialization.serialize(report).get()).as("the serializer writes the mapper's CBOR as it is")
        .isEqualTo(cbor.writeValueAsBytes(report));
    ObjectNode tree = cbor.valueToTree(report);
    tree.get("links").forEach(l -> ((ObjectNode) l).remove(
        List.of("cascadeEfficiency", "framesDropped", "lastFrameMillis", "keyUseBytesPerSecond", "shortOfKey")));

    StationReport back = (StationReport) serialization.deserialize(cbor.writeValueAsBytes(tree),
        serializer.identifier(), Serializers.manifestFor(serializer, report)).get();

    LinkReport p1 = back.link("P1").orElseThrow();
    assertThat(p1.qber()).isEqualTo(0.021);
    assertThat(p1.cascadeEfficiency()).isNaN();
    assertThat(p1.framesDropped()).isZero();
    assertThat(p1.lastFrameMillis()).isZero();
    assertThat(p1.keyUseBytesPerSecond()).isZero();
    assertThat(p1.shortOfKey()).isFalse();
  }

  @Test
  void deserialize_reportOfANewerStationWithAnUnknownField_skipsIt() throws Exception {
    StationReport report = ClusterTestConfig.report("WUH", 42, 1);
    ObjectMapper cbor = JacksonObjectMapperProvider.get(system.classicSystem()).getOrCreate("jackson-cbor",
        Optional.empty());
    Serializer serializer = serialization.findSerializerFor(report);
    ObjectNode tree = cbor.valueToTree(report);
    tree.get("links").forEach(l -> ((ObjectNode) l).put("figureOfTomorrow", 3.5));
    tree.put("flagOfTomorrow", true);

    Object back = serialization.deserialize(cbor.writeValueAsBytes(tree), serializer.identifier(),
        Serializers.manifestFor(serializer, report)).get();

    assertThat(back).isEqualTo(report);
  }

  @Test
  void roundTrip_reportWithoutLinks_isEqual() {
    StationReport report = new StationReport("XGF", 1, 0, true, false, List.of());

    assertThat(roundTrip(report)).isEqualTo(report);
  }

  @Test
  void roundTrip_lwwMapHoldingReports_keepsEntries() {
    SelfUniqueAddress self = DistributedData.get(system).selfUniqueAddress();
    LWWMap<String, StationReport> map = LWWMap.<String, StationReport>create()
        .put(self, "WUH", ClusterTestConfig.report("WUH", 5, 3), (current, r) -> current + 1)
        .put(self, "XGF", ClusterTestConfig.report("XGF", 6, 9), (current, r) -> current + 1);

    LWWMap<String, StationReport> back = roundTrip(map);

    assertThat(back.getEntries()).isEqualTo(map.getEntries());
    assertThat(back.getEntries().get("WUH").link("P2").orElseThrow().qber()).isNaN();
  }

  /**
   * Pekko logs replicated data above log-data-size-exceeding (default 10 KiB). The map is gzipped
   * by the replicated-data serializer: some 4 KB for 25 stations of 4 links (each report ~600 bytes
   * of CBOR), so the default holds for the networks in view.
   */
  @Test
  void serialize_mapOf25StationsWith4LinksEach_staysBelowDataSizeLogThreshold() {
    SelfUniqueAddress self = DistributedData.get(system).selfUniqueAddress();
    LWWMap<String, StationReport> map = LWWMap.create();
    for (int s = 0; s < 25; s++) {
      String id = "ST" + s;
      List<LinkReport> links = new ArrayList<>();
      for (int l = 0; l < 4; l++) {
        // Varied figures, as real links have (identical ones would compress away).
        long n = s * 7919L + l * 104_729L;
        links.add(new LinkReport(id, "PEER" + l, LinkStatus.values()[l], (n * 1_000_003L) % (1L << 31),
            (n * 999_983L) % (1L << 30), (n * 65_537L) % (1L << 29), 10_000 + n % 40_000 + 0.125 * l,
            0.01 + (n % 97) / 3000.0, l % 2 == 0 ? Double.NaN : 1.05 + (n % 30) / 100.0, n % 500,
            1_767_225_600_000L + 10_000L * (n % 8_640), (n * 31L) % 9_000, l == 0));
      }
      map = map.put(self, id, new StationReport(id, 1_234_567_890_123L * (s + 1), 1000 + s, true, false, links),
          (current, r) -> current + 1);
    }

    byte[] bytes = serialization.serialize(map).get();

    long threshold = system.settings().config().getBytes("pekko.cluster.distributed-data.log-data-size-exceeding");
    assertThat((long) bytes.length).isLessThan(threshold);
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) {
    Serializer serializer = serialization.findSerializerFor(value);
    byte[] bytes = serialization.serialize(value).get();
    String manifest = Serializers.manifestFor(serializer, value);
    return (T) serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }
}
