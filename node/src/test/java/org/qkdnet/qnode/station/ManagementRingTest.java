package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.TestRings;
import org.qkdnet.qnode.demo.LocalNetwork;

/**
 * Issue 8 item 6: a station with {@code qnode.management.enabled} serves Pekko Management's
 * {@code GET /cluster/members} over real HTTP on its derived port (read-only); a station without
 * the setting serves nothing there.
 */
class ManagementRingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> send(String method, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode members(String base) throws Exception {
    HttpResponse<String> r = send("GET", base + "/cluster/members");
    assertThat(r.statusCode()).as("GET /cluster/members: %s", r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void clusterMembers_onTheStationThatAskedForIt_listsFourUp_othersServeNothingThere() throws Exception {
    Config cfg = TestRings.finishedKeyLocal();
    Config on = ConfigFactory.parseString("qnode.management.enabled = on");
    try (LocalNetwork net = LocalNetwork.start(ConfigFactory.empty(), cfg, dir, id -> { },
        id -> "ALP".equals(id) ? on : ConfigFactory.empty())) {
      Station alp = net.station("ALP");
      Station del = net.station("DEL");
      // the derived port: base-port + 10 x index + 6, four above the station's ETSI 014 port
      String base = "http://127.0.0.1:" + (alp.httpsPort() + 4);
      assertThat(alp.managementUrl()).hasValue(base);
      assertThat(del.managementUrl()).isEmpty();

      TestRings.awaitRoutable(net);
      // Pekko's gossip may reach ALP's member list a moment after the routable view
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
        JsonNode m = members(base).get("members");
        return m.size() == 4 && allUp(m);
      });
      JsonNode reply = members(base);
      assertThat(reply.get("selfNode").asText()).endsWith(":" + (alp.httpsPort() - 2));
      List<String> roles = new ArrayList<>();
      reply.get("members").forEach(m -> m.get("roles").forEach(r -> roles.add(r.asText())));
      assertThat(roles).contains("station-ALP", "station-BRA", "station-CHA", "station-DEL");

      // read-only: no route leaves or downs a member over unauthenticated HTTP
      String delNode = "pekko://qnode@127.0.0.1:" + (del.httpsPort() - 2);
      HttpResponse<String> down = send("DELETE", base + "/cluster/members/" + delNode);
      assertThat(down.statusCode()).as(down.body()).isIn(404, 405);
      HttpResponse<String> leave = send("PUT", base + "/cluster/members/" + delNode);
      assertThat(leave.statusCode()).as(leave.body()).isIn(404, 405);
      assertThat(del.liveStations().routable()).hasSize(4);

      int delPort = del.settings().ownManagementPort();
      assertThat(delPort).isEqualTo(del.httpsPort() + 4);
      assertThatThrownBy(() -> send("GET", "http://127.0.0.1:" + delPort + "/cluster/members"))
          .isInstanceOf(ConnectException.class);
    }
  }

  private static boolean allUp(JsonNode members) {
    for (JsonNode m : members) {
      if (!"Up".equals(m.get("status").asText())) {
        return false;
      }
    }
    return true;
  }
}
