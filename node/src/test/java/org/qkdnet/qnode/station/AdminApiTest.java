package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.TestRings;
import org.qkdnet.qnode.Main;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.linkservice.LinkTls;
import picocli.CommandLine;

/**
 * Issue 8 items 1-2 (reads): the admin API over real mutual TLS on the local ring in one JVM,
 * through the {@code qnode admin} command line as an operator runs it: status, links and route as
 * tables and JSON, any station answering for the whole network; SAE and station certificates
 * refused; an unknown station, an unreachable target and missing credentials each give one line
 * and a non-zero exit; standard gRPC health for operators only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private LocalNetwork net;
  private Path pki;

  /** Exit code, standard output and standard error of one {@code qnode ...} run. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Config cfg = TestRings.finishedKeyLocal();
    net = LocalNetwork.start(cfg, dir, id -> { });
    pki = net.pkiDir();
    TestRings.awaitRoutable(net);
    net.awaitDisjointRoutes("ALP", "CHA", 2, Duration.ofSeconds(90));
  }

  @AfterAll
  void stop() {
    if (net != null) {
      net.close();
    }
  }

  private static Run qnode(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Run admin(String station, String... command) {
    List<String> args = new ArrayList<>(List.of("admin", "--target", net.adminTarget(station), "--tls-dir",
        pki.toString()));
    args.addAll(List.of(command));
    return qnode(args.toArray(String[]::new));
  }

  @Test
  void status_json_listsTheFourMembersUp_fromAnyStation() throws Exception {
    for (String station : List.of("ALP", "DEL")) {
      Run r = admin(station, "status", "--json");
      assertThat(r.exit()).as(r.err()).isZero();
      JsonNode s = JSON.readTree(r.out());
      assertThat(s.get("station").asText()).isEqualTo(station);
      assertThat(s.get("store_health").asText()).isEqualTo("ok");
      assertThat(s.get("members")).hasSize(4);
      for (JsonNode m : s.get("members")) {
        assertThat(m.get("status").asText()).as(m.toString()).isEqualTo("Up");
        assertThat(m.get("reachable").asBoolean()).isTrue();
        assertThat(m.get("role").asText()).isIn("backbone", "relay");
      }
    }
  }

  @Test
  void status_table_isAligned() {
    Run r = admin("BRA", "status");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("station BRA (local)");
    assertThat(lines.get(1)).startsWith("ID ").contains("ROLE").contains("STATUS");
    int col = lines.get(1).indexOf("STATUS");
    assertThat(lines.subList(2, lines.size())).hasSize(4).allSatisfy(l -> assertThat(l.substring(col)).startsWith("Up"));
  }

  @Test
  void links_json_fourLinksWithKeyAtBothEnds() throws Exception {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
      Run r = admin("CHA", "links", "--json");
      JsonNode links = JSON.readTree(r.out());
      if (links.size() != 4) {
        return false;
      }
      for (JsonNode l : links) {
        if (l.get("pool_bytes_a").asLong() <= 0 || l.get("pool_bytes_b").asLong() <= 0) {
          return false;
        }
      }
      return true;
    });
    long before = System.currentTimeMillis();
    JsonNode links = JSON.readTree(admin("CHA", "links", "--json").out());
    for (JsonNode l : links) {
      assertThat(l.get("end_a").get("station").asText()).isEqualTo(l.get("a").asText());
      assertThat(l.get("state").asText()).isIn("UP", "DOWN");
      assertThat(l.get("km").asDouble()).isPositive();
      // finished-key-sim: no Cascade, no dropped frames; the frames that filled the pools have a time
      assertThat(l.get("cascade_f").isNull()).as(l.toString()).isTrue();
      assertThat(l.get("frames_dropped").asLong()).isZero();
      assertThat(l.get("last_frame_ms").asLong()).as(l.toString()).isPositive().isLessThanOrEqualTo(before);
      assertThat(l.get("last_frame_age_s").asLong()).isNotNegative()
          .isLessThanOrEqualTo((System.currentTimeMillis() - l.get("last_frame_ms").asLong()) / 1000);
    }
    Run table = admin("CHA", "links");
    assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("LINK").contains("POOL A")
        .contains("CASCADE F").contains("DROPPED").contains("LAST FRAME").contains("KEY USE").endsWith("SHORT AT");
    assertThat(table.out()).contains("ALP-BRA").contains("CHA-DEL");
    assertThat(table.out().lines().skip(1))
        .allSatisfy(row -> assertThat(row).matches(".* - +0 +\\d+ (s|min|h|d) ago +\\d+ (B|KiB|MiB)/s +(-|[A-Z]{3}(,[A-Z]{3})?)"));
  }

  @Test
  void links_showTheRateKeyIsUsedAt_afterRelays() throws Exception {
    // probes relay (and burn) test keys ALP -> CHA: the links of their route are used
    for (int i = 0; i < 10; i++) {
      Run r = admin("ALP", "probe", "--to", "CHA", "--json");
      assertThat(r.exit()).as(r.err()).isZero();
    }
    JsonNode used = await("a link of ALP with a rate of use, as BRA sees it").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500)).until(() -> {
          for (JsonNode l : JSON.readTree(admin("BRA", "links", "--json").out())) {
            if ((l.get("a").asText().equals("ALP") || l.get("b").asText().equals("ALP"))
                && l.get("key_use_bytes_per_second").asDouble() > 0) {
              return l;
            }
          }
          return null;
        }, java.util.Objects::nonNull);
    assertThat(used.get("end_a").get("short_of_key").isBoolean()).as(used.toString()).isTrue();
    assertThat(used.get("end_b").get("short_of_key").isBoolean()).isTrue();
  }

  @Test
  void route_json_twoHopsFromALPtoCHA_withTheOtherWayAsAlternative_askedAtAThirdStation() throws Exception {
    // other tests of this class take links down or zeroize them: both ways must carry key again
    // (as DEL sees it) before the other way can be an alternative
    JsonNode route = await("two ways ALP -> CHA with key, seen at DEL").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300)).until(() -> {
          Run r = admin("DEL", "route", "--from", "ALP", "--to", "CHA", "--json");
          assertThat(r.exit()).as(r.err()).isZero();
          return JSON.readTree(r.out());
        }, n -> n.get("alternatives").size() == 1);
    assertThat(route.get("hops").asInt()).isEqualTo(2);
    List<String> path = new ArrayList<>();
    route.get("path").forEach(n -> path.add(n.asText()));
    assertThat(path).startsWith("ALP").endsWith("CHA");
    assertThat(route.get("alternatives")).hasSize(1);
    assertThat(route.get("alternatives").get(0).get(1).asText()).isNotEqualTo(path.get(1));
    assertThat(admin("DEL", "route", "--from", "ALP", "--to", "CHA").out()).startsWith("route ALP > ");
  }

  private List<String> path(JsonNode route) {
    List<String> p = new ArrayList<>();
    route.get("path").forEach(n -> p.add(n.asText()));
    return p;
  }

  @Test
  void drainOfAnotherStation_isForwarded_routesAvoidIt_noRelayStartsThere_undrainRestores() throws Exception {
    Run r = admin("ALP", "drain", "BRA", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode reply = JSON.readTree(r.out());
    assertThat(reply.get("station").asText()).isEqualTo("BRA");
    assertThat(reply.get("drained").asBoolean()).isTrue();
    try {
      assertThat(net.station("BRA").store().adminFlag("drained")).as("durable").isTrue();
      await("DEL sees BRA drained").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
        for (JsonNode m : JSON.readTree(admin("DEL", "status", "--json").out()).get("members")) {
          if (m.get("id").asText().equals("BRA")) {
            return m.get("drained").asBoolean();
          }
        }
        return false;
      });
      await("ALP routes round BRA").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
          path(JSON.readTree(admin("ALP", "route", "--to", "CHA", "--json").out())).equals(List.of("ALP", "DEL", "CHA")));
      JsonNode route = JSON.readTree(admin("ALP", "route", "--to", "CHA", "--json").out());
      assertThat(route.get("excluded").toString()).contains("BRA").contains("drained");
      // keys between ALP and CHA keep flowing the other way
      org.qkdnet.qnode.sae.Etsi014Client alp = new org.qkdnet.qnode.sae.Etsi014Client(net.etsi014Url("ALP"),
          net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
      assertThat(alp.encKeys("CHA-APP1", 1, 256)).hasSize(1);
      // no relay starts at the drained station
      org.qkdnet.qnode.sae.Etsi014Client bra = new org.qkdnet.qnode.sae.Etsi014Client(net.etsi014Url("BRA"),
          net.saeTls("BRA-APP1"), Duration.ofSeconds(10));
      try {
        bra.encKeys("ALP-APP1", 1, 256);
        throw new AssertionError("a relay started at a drained station");
      } catch (org.qkdnet.qnode.sae.Etsi014Client.Etsi014Error e) {
        assertThat(e.status()).isEqualTo(503);
      }
    } finally {
      Run u = admin("DEL", "undrain", "BRA");
      assertThat(u.exit()).as(u.err()).isZero();
      assertThat(u.out()).startsWith("station BRA: undrained");
    }
    assertThat(net.station("BRA").store().adminFlag("drained")).isFalse();
    await("BRA back").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (JsonNode m : JSON.readTree(admin("ALP", "status", "--json").out()).get("members")) {
        if (m.get("id").asText().equals("BRA")) {
          return !m.get("drained").asBoolean();
        }
      }
      return false;
    });
  }

  @Test
  void zeroizeLink_needsConfirm_thenBurnsBothEnds_reKeys_andKeyFlowsAgain() throws Exception {
    org.qkdnet.qnode.keystore.StationKeyStore alp = net.station("ALP").store();
    org.qkdnet.qnode.keystore.StationKeyStore del = net.station("DEL").store();
    await().atMost(Duration.ofSeconds(30)).until(() -> alp.availableToSend("DEL") > 0);
    long epoch = alp.linkAudit("DEL").epoch();

    Run unconfirmed = admin("CHA", "zeroize-link", "ALP", "DEL");
    assertThat(unconfirmed.exit()).isEqualTo(1);
    assertThat(unconfirmed.err()).contains("--confirm");
    assertThat(alp.linkAudit("DEL").epoch()).as("nothing changed").isEqualTo(epoch);

    Run r = admin("CHA", "zeroize-link", "ALP", "DEL", "--confirm", "--json"); // forwarded to ALP
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode z = JSON.readTree(r.out());
    assertThat(z.get("rekeyed").asBoolean()).as(z.toString()).isTrue();
    assertThat(z.get("burned_bytes").asLong()).isPositive();
    assertThat(alp.linkAudit("DEL").epoch()).isNotEqualTo(epoch).isEqualTo(del.linkAudit("ALP").epoch());
    for (org.qkdnet.qnode.keystore.StationKeyStore s : List.of(alp, del)) {
      String peer = s == alp ? "DEL" : "ALP";
      assertThat(s.ledger(new org.qkdnet.qnode.keystore.StreamId(s.selfStationId(), peer)).balances()).isTrue();
      assertThat(s.ledger(new org.qkdnet.qnode.keystore.StreamId(peer, s.selfStationId())).balances()).isTrue();
    }
    // fresh frames fill the link again
    await().atMost(Duration.ofSeconds(30)).until(() -> alp.availableToSend("DEL") > 0);

    Run noLink = admin("ALP", "zeroize-link", "ALP", "CHA", "--confirm");
    assertThat(noLink.exit()).isEqualTo(1);
    assertThat(noLink.err()).contains("no link ALP-CHA");
  }

  @Test
  void linkDown_atBothEnds_routesAvoidIt_noRelayNoKeyOnIt_linkUpRestores_andWatchersSeeIt() throws Exception {
    // a third station's event stream, opened before the change
    List<org.qkdnet.qnode.proto.v1.Event> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    ManagedChannel watchChannel = channel("DEL", net.operatorCert("admin"), net.operatorKey("admin"));
    io.grpc.Context.CancellableContext watch = io.grpc.Context.current().withCancellation();
    watch.run(() -> org.qkdnet.qnode.proto.v1.AdminServiceGrpc.newStub(watchChannel).watchEvents(
        org.qkdnet.qnode.proto.v1.WatchEventsRequest.newBuilder().setFollow(true).build(),
        new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(org.qkdnet.qnode.proto.v1.Event e) {
            seen.add(e);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        }));
    await("DEL has the watcher").atMost(Duration.ofSeconds(10))
        .until(() -> net.station("DEL").events().subscriberCount() == 1);
    Run r = admin("CHA", "link-down", "ALP", "BRA", "--json"); // forwarded to both ends
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(JSON.readTree(r.out()).get("detail")).hasSize(2);
    try {
      for (String s : List.of("ALP", "BRA")) {
        assertThat(net.station(s).store().isLinkAdminDown(s.equals("ALP") ? "BRA" : "ALP")).as(s).isTrue();
      }
      // both ends published it when the command returned; a third station sees it once replicated
      await("DEL sees ALP-BRA down").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
        for (JsonNode l : JSON.readTree(admin("DEL", "links", "--json").out())) {
          if (l.get("a").asText().equals("ALP") && l.get("b").asText().equals("BRA")) {
            return l.get("state").asText().equals("ADMIN_DOWN");
          }
        }
        return false;
      });
      await("ALP routes to BRA round the link").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> path(JSON.readTree(admin("ALP", "route", "--to", "BRA", "--json").out()))
              .equals(List.of("ALP", "DEL", "CHA", "BRA")));
      // the link's ends hand out no pad on it, and generate no key
      assertThat(net.station("ALP").store().linkBlocked("BRA")).hasValueSatisfying(b -> assertThat(b).contains("operator"));
      long frames = net.station("ALP").store().nextFrameId("BRA");
      await("no key frames while down, for several frame periods of the link").during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(3)).until(() -> net.station("ALP").store().nextFrameId("BRA") == frames);
      // keys ALP -> BRA still arrive, the long way
      org.qkdnet.qnode.sae.Etsi014Client alp = new org.qkdnet.qnode.sae.Etsi014Client(net.etsi014Url("ALP"),
          net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
      assertThat(alp.encKeys("BRA-APP1", 1, 256)).hasSize(1);
      assertThat(net.station("ALP").relayStats().lastRoute()).isEqualTo(List.of("ALP", "DEL", "CHA", "BRA"));
      // DEL's watcher saw the link go down (DEL is neither end: it learnt it from the published link state)
      await("DEL's watcher sees ALP-BRA down").atMost(Duration.ofSeconds(10)).until(() -> {
        synchronized (seen) {
          return seen.stream().anyMatch(e -> e.getKind().equals("LINK") && e.getSubject().equals("ALP-BRA")
              && e.getDetail().endsWith("-> ADMIN_DOWN") && e.getStation().equals("DEL"));
        }
      });
      synchronized (seen) {
        assertThat(seen).extracting(org.qkdnet.qnode.proto.v1.Event::getSeq).isSorted().doesNotHaveDuplicates();
      }
      // ALP's kept events name its new route to BRA; the CLI lists them
      await("ALP's route event").atMost(Duration.ofSeconds(10)).until(() ->
          admin("ALP", "events", "--json").out().lines().map(l -> {
            try {
              return JSON.readTree(l);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).anyMatch(e -> e.get("kind").asText().equals("ROUTE") && e.get("subject").asText().equals("ALP->BRA")
              && e.get("detail").asText().endsWith("-> ALP,DEL,CHA,BRA")));
      Run table = admin("ALP", "events");
      assertThat(table.exit()).as(table.err()).isZero();
      assertThat(table.out()).contains("ROUTE").contains("ALP->BRA").contains("LINK").contains("ALP-BRA");
    } finally {
      watch.cancel(null);
      watchChannel.shutdownNow();
      Run up = admin("ALP", "link-up", "ALP", "BRA");
      assertThat(up.exit()).as(up.err()).isZero();
    }
    await("the direct link serves again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> net.station("ALP").store().linkBlocked("BRA").isEmpty()
            && path(JSON.readTree(admin("ALP", "route", "--to", "BRA", "--json").out())).equals(List.of("ALP", "BRA")));
  }

  @Test
  void probe_forwardedToItsOrigin_reportsEachHop_burnsTheTestKey_storesNothing() throws Exception {
    long burnedBefore = net.station("ALP").store().ledger(new org.qkdnet.qnode.keystore.StreamId("ALP", "BRA")).burned()
        + net.station("ALP").store().ledger(new org.qkdnet.qnode.keystore.StreamId("ALP", "DEL")).burned();
    long waitingAtCha = net.station("CHA").store().deliverableCount("");
    Run r = admin("BRA", "probe", "--from", "ALP", "--to", "CHA", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode p = JSON.readTree(r.out());
    assertThat(p.get("delivered").asBoolean()).isTrue();
    assertThat(p.get("from").asText()).isEqualTo("ALP");
    List<String> path = path(p);
    assertThat(path).hasSize(3).startsWith("ALP").endsWith("CHA");
    assertThat(p.get("hops")).hasSize(2);
    double sum = 0;
    for (int i = 0; i < 2; i++) {
      JsonNode h = p.get("hops").get(i);
      assertThat(h.get("from").asText()).isEqualTo(path.get(i));
      assertThat(h.get("to").asText()).isEqualTo(path.get(i + 1));
      assertThat(h.get("ms").asDouble()).isNotNegative();
      sum += h.get("ms").asDouble();
    }
    assertThat(p.get("total_ms").asDouble()).isPositive().isGreaterThanOrEqualTo(sum);
    long burnedAfter = net.station("ALP").store().ledger(new org.qkdnet.qnode.keystore.StreamId("ALP", "BRA")).burned()
        + net.station("ALP").store().ledger(new org.qkdnet.qnode.keystore.StreamId("ALP", "DEL")).burned();
    assertThat(burnedAfter - burnedBefore).as("the origin burned the test key and its MAC key")
        .isGreaterThanOrEqualTo(org.qkdnet.qnode.relay.RelayEngine.PROBE_KEY_BYTES + 32);
    assertThat(net.station("CHA").store().deliverableCount("")).isEqualTo(waitingAtCha);

    Run t = admin("ALP", "probe", "--to", "CHA");
    assertThat(t.exit()).as(t.err()).isZero();
    List<String> lines = t.out().lines().toList();
    assertThat(lines.get(0)).startsWith("probe ALP > ").contains("delivered in").endsWith("(2 hops)");
    assertThat(lines.get(1)).startsWith("HOP").contains("FROM").contains("TIME");
    assertThat(lines).hasSize(4);
  }

  @Test
  void probe_badStations_oneLineEach_nothingRelayed() {
    Run same = admin("ALP", "probe", "--to", "ALP");
    assertThat(same.exit()).isEqualTo(1);
    assertThat(same.err().strip()).isEqualTo("qnode admin: from and to are both ALP: a probe needs two stations");
    Run unknown = admin("ALP", "probe", "--from", "NOPE", "--to", "CHA");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err().strip()).isEqualTo("qnode admin: unknown station 'NOPE' (not in topology local)");
    Run forOnly = admin("ALP", "events", "--for", "5");
    assertThat(forOnly.exit()).isEqualTo(2);
    assertThat(forOnly.err()).contains("--for needs --follow");
  }

  @Test
  void drainOfAnUnknownStation_isRefused_andNothingChanges() {
    Run r = admin("ALP", "drain", "NOPE");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("qnode admin: unknown station 'NOPE' (not in topology local)");
  }

  @Test
  void unknownStation_oneLineNamingIt_nonZeroExit() {
    Run r = admin("ALP", "route", "--to", "XYZ");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("qnode admin: unknown station 'XYZ' (not in topology local)");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void dashboard_operatorGetsThePageAndTheFourStations_stationCertificateGets403() throws Exception {
    String url = net.dashboardUrl("BRA").orElseThrow();
    assertThat(url).matches("https://127\\.0\\.0\\.1:\\d+/");
    X509Certificate ca = Pem.readCertificate(pki.resolve("ca.crt"));
    HttpClient operator = HttpClient.newBuilder().sslContext(
        TlsContexts.mutualTls(Pem.readIdentity(net.operatorCert("admin"),
            net.operatorKey("admin")), ca)).build();
    HttpResponse<String> page = operator.send(HttpRequest.newBuilder(
        URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<svg id=\"map\"");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      JsonNode p = JSON.readTree(operator.send(HttpRequest.newBuilder(
          URI.create(url + "api/picture")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertThat(p.get("station").asText()).isEqualTo("BRA");
      assertThat(p.get("stations").findValuesAsText("id")).containsExactly("ALP", "BRA", "CHA", "DEL");
      assertThat(p.get("stations").findValuesAsText("status")).containsOnly("Up");
      assertThat(p.get("links")).hasSize(4);
    });
    HttpClient station = HttpClient.newBuilder().sslContext(
        TlsContexts.mutualTls(Pem.readIdentity(pki.resolve("stations").resolve("ALP.crt"),
            pki.resolve("stations").resolve("ALP.key")), ca)).build();
    assertThat(station.send(HttpRequest.newBuilder(URI.create(url + "api/picture"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(403);
  }

  @Test
  void saeAndStationCertificates_areRefused() {
    Run sae = qnode("admin", "--target", net.adminTarget("ALP"), "--ca", pki.resolve("ca.crt").toString(),
        "--cert", net.saeCert("ALP-APP1").toString(), "--key", net.saeKey("ALP-APP1").toString(), "status");
    assertThat(sae.exit()).isEqualTo(1);
    assertThat(sae.err()).contains("refused the certificate").contains("sae certificate is not an operator's");
    assertThat(sae.err().lines().count()).isEqualTo(1);

    Run station = qnode("admin", "--target", net.adminTarget("ALP"), "--ca", pki.resolve("ca.crt").toString(),
        "--cert", pki.resolve("stations/BRA.crt").toString(), "--key", pki.resolve("stations/BRA.key").toString(),
        "links", "--json");
    assertThat(station.exit()).isEqualTo(1);
    assertThat(station.err()).contains("station certificate is not an operator's");
    assertThat(station.out()).isEmpty();
  }

  @Test
  void unreachableTarget_andMissingCredentials() throws Exception {
    int free;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      free = s.getLocalPort();
    }
    Run r = qnode("admin", "--target", "127.0.0.1:" + free, "--tls-dir", pki.toString(), "--timeout", "5", "status");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("qnode admin: cannot reach the admin API at 127.0.0.1:" + free);

    Run none = qnode("admin", "--target", net.adminTarget("ALP"), "status");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("--tls-dir");

    Run badTarget = qnode("admin", "--target", "nowhere", "--tls-dir", pki.toString(), "status");
    assertThat(badTarget.exit()).isEqualTo(2);
    assertThat(badTarget.err()).contains("--target").contains("HOST:PORT");
  }

  @Test
  void grpcHealth_servingForOperators_refusedForSaes() throws Exception {
    ManagedChannel op = channel(net.operatorCert("admin"), net.operatorKey("admin"));
    ManagedChannel sae = channel(net.saeCert("ALP-APP1"), net.saeKey("ALP-APP1"));
    try {
      HealthCheckResponse h = HealthGrpc.newBlockingStub(op).withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService("qnode.v1.AdminService").build());
      assertThat(h.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      try {
        HealthGrpc.newBlockingStub(sae).withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());
        throw new AssertionError("an SAE certificate was admitted");
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
      }
    } finally {
      op.shutdownNow();
      sae.shutdownNow();
    }
  }

  @Test
  void serverReflection_listsAdminService_forOperators() throws Exception {
    ManagedChannel op = channel(net.operatorCert("admin"), net.operatorKey("admin"));
    try {
      java.util.concurrent.CompletableFuture<List<String>> services = new java.util.concurrent.CompletableFuture<>();
      io.grpc.stub.StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> requests =
          io.grpc.reflection.v1.ServerReflectionGrpc.newStub(op).withDeadlineAfter(10, TimeUnit.SECONDS)
              .serverReflectionInfo(new io.grpc.stub.StreamObserver<>() {
                @Override
                public void onNext(io.grpc.reflection.v1.ServerReflectionResponse r) {
                  services.complete(r.getListServicesResponse().getServiceList().stream()
                      .map(io.grpc.reflection.v1.ServiceResponse::getName).toList());
                }

                @Override
                public void onError(Throwable t) {
                  services.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                  services.complete(List.of());
                }
              });
      requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
      assertThat(services.get(10, TimeUnit.SECONDS)).contains("qnode.v1.AdminService", "grpc.health.v1.Health");
      requests.onCompleted();
    } finally {
      op.shutdownNow();
    }
  }

  private ManagedChannel channel(Path cert, Path key) throws Exception {
    return channel("ALP", cert, key);
  }

  private ManagedChannel channel(String station, Path cert, Path key) throws Exception {
    String[] t = net.adminTarget(station).split(":");
    return NettyChannelBuilder.forAddress(t[0], Integer.parseInt(t[1]))
        .sslContext(LinkTls.clientOfAnyStation(Pem.readIdentity(cert, key), Pem.readCertificate(pki.resolve("ca.crt"))))
        .build();
  }
}
