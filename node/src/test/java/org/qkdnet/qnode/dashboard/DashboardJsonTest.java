package org.qkdnet.qnode.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.admin.NetworkPicture;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.events.NetworkEvent;

class DashboardJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final TopologySpec LOCAL = TopologySpec.fromConfig(ConfigLoader.load("local"));

  /** The local ring as a station could see it: DEL unreachable, ALP-BRA taken down, QBER not measured on CHA-DEL. */
  static NetworkPicture picture(String alpBraState) {
    List<NetworkPicture.MemberState> members = List.of(
        new NetworkPicture.MemberState("ALP", "backbone", "Up", true, false, false),
        new NetworkPicture.MemberState("BRA", "relay", "Up", true, true, false),
        new NetworkPicture.MemberState("CHA", "backbone", "Up", true, false, false),
        new NetworkPicture.MemberState("DEL", "relay", "Up", false, false, false));
    List<NetworkPicture.LinkState> links = List.of(
        link("ALP", "BRA", 25, alpBraState, 4096, 300_000, 0.012),
        link("BRA", "CHA", 35, "UP", 500_000, 600_000, 0.02),
        link("CHA", "DEL", 30, "UP", 0, 100, Double.NaN),
        link("DEL", "ALP", 40, "DOWN", 1 << 20, 1 << 20, 0.03));
    return new NetworkPicture("ALP", "local", members, links);
  }

  private static NetworkPicture.LinkState link(String a, String b, double km, String state, long sendA, long sendB,
      double qber) {
    return new NetworkPicture.LinkState(a, b, km, state, new NetworkPicture.LinkEnd(a, state, sendA, sendB, 1000),
        new NetworkPicture.LinkEnd(b, state, sendB, sendA, 2000), 123_456.0, qber);
  }

  @Test
  void poolLevel_logScale_emptyToCap() {
    long cap = 4L << 20;
    assertThat(DashboardJson.poolLevel(0, cap)).isZero();
    assertThat(DashboardJson.poolLevel(256, cap)).isZero();
    assertThat(DashboardJson.poolLevel(cap, cap)).isEqualTo(1.0);
    assertThat(DashboardJson.poolLevel(cap * 2, cap)).isEqualTo(1.0);
    // each doubling the same step: 256 B .. 4 MiB is 14 doublings
    assertThat(DashboardJson.poolLevel(512, cap)).isCloseTo(1 / 14.0, org.assertj.core.data.Offset.offset(0.001));
    assertThat(DashboardJson.poolLevel(2048, cap) - DashboardJson.poolLevel(1024, cap))
        .isCloseTo(1 / 14.0, org.assertj.core.data.Offset.offset(0.002));
    // a cap at or below the empty mark: full or empty
    assertThat(DashboardJson.poolLevel(300, 100)).isEqualTo(1.0);
  }

  @Test
  void picture_everyStationWithPositionAndCondition_everyLinkWithLevelAndState() throws Exception {
    JsonNode p = JSON.readTree(new DashboardJson(LOCAL, 4L << 20).picture(picture("ADMIN_DOWN")));
    assertThat(p.get("station").asText()).isEqualTo("ALP");
    assertThat(p.get("topology").asText()).isEqualTo("local");
    assertThat(p.get("stations")).hasSize(4);
    assertThat(p.get("stations").findValuesAsText("condition")).containsExactly("UP", "DRAINED", "UP", "UNREACHABLE");
    JsonNode alp = p.get("stations").get(0);
    assertThat(alp.get("name").asText()).isEqualTo("ALPHA");
    assertThat(alp.get("x").asDouble()).isBetween(0.0, DashboardJson.WIDTH);
    assertThat(alp.get("y").asDouble()).isBetween(0.0, DashboardJson.HEIGHT);
    assertThat(alp.get("lat").asDouble()).isEqualTo(30.60);

    JsonNode links = p.get("links");
    assertThat(links.findValuesAsText("id")).containsExactly("ALP-BRA", "BRA-CHA", "CHA-DEL", "DEL-ALP");
    assertThat(links.get(0).get("state").asText()).isEqualTo("ADMIN_DOWN");
    // the smaller of the two send pools
    assertThat(links.get(0).get("minSendBytes").asLong()).isEqualTo(4096);
    assertThat(links.get(0).get("level").asDouble()).isEqualTo(DashboardJson.poolLevel(4096, 4L << 20));
    assertThat(links.get(0).get("endB").get("sendBytes").asLong()).isEqualTo(300_000);
    assertThat(links.get(0).get("endB").get("unassignedBytes").asLong()).isEqualTo(2000);
    assertThat(links.get(2).get("level").asDouble()).isZero();
    // QBER not measured: null, never NaN (not JSON)
    assertThat(links.get(2).get("qber").isNull()).isTrue();
    assertThat(links.get(0).get("qber").asDouble()).isEqualTo(0.012);
  }

  @Test
  void event_relayCarriesItsPaths_othersTheirText() throws Exception {
    JsonNode r = JSON.readTree(DashboardJson.event(new NetworkEvent(7, 1000, "ALP", NetworkEvent.Kind.RELAY,
        "ALP->CHA", "delivered via ALP,BRA,CHA + ALP,DEL,CHA in 9 ms")));
    assertThat(r.get("kind").asText()).isEqualTo("relay");
    assertThat(r.get("relay").get("paths").get(1).toString()).isEqualTo("[\"ALP\",\"DEL\",\"CHA\"]");
    assertThat(r.get("relay").get("delivered").asBoolean()).isTrue();

    JsonNode l = JSON.readTree(DashboardJson.event(new NetworkEvent(8, 1001, "ALP", NetworkEvent.Kind.LINK,
        "ALP-BRA", "UP -> ADMIN_DOWN")));
    assertThat(l.get("kind").asText()).isEqualTo("link");
    assertThat(l.get("detail").asText()).isEqualTo("UP -> ADMIN_DOWN");
    assertThat(l.has("relay")).isFalse();
  }
}
