package org.qkdnet.qnode.kme.etsi014;

import org.qkdnet.qnode.crypto.TestKek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.qkdnet.qnode.crypto.CertificateAuthority;
import org.qkdnet.qnode.crypto.Role;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.kme.Kme;
import org.qkdnet.qnode.kme.KmeLimits;
import org.qkdnet.qnode.kme.RelayFailedException;
import org.qkdnet.qnode.kme.SaeEntry;
import org.qkdnet.qnode.kme.SaeThrottle;
import org.qkdnet.qnode.kme.StoringRelayer;

/** ETSI GS QKD 014 over real HTTPS with client certificates: two stations, WUH and EZH. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Etsi014ServerTest {
  private static final List<SaeEntry> REGISTRY =
      List.of(
          new SaeEntry("bank-a", "WUH"),
          new SaeEntry("bank-b", "WUH"),
          new SaeEntry("etc-1", "EZH"),
          new SaeEntry("etc-2", "EZH"));
  private static final KmeLimits LIMITS = new KmeLimits(8, 1024, 64, 256, 0);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path dir;
  private ActorSystem<Void> system;
  private StationKeyStore wuhStore;
  private StationKeyStore ezhStore;
  private StoringRelayer relayer;
  private final List<ServerBinding> bindings = new ArrayList<>();
  private String wuh;
  private String ezh;
  private String wuhThrottled;
  private HttpClient bankA;
  private HttpClient bankB;
  private HttpClient etc1;
  private HttpClient etc2;
  private HttpClient station;
  private HttpClient noCertificate;
  private HttpClient otherCa;

  @BeforeAll
  void startServers() throws Exception {
    dir = Files.createTempDirectory("etsi014-test");
    Config config =
        ConfigFactory.parseString(
                "pekko.loglevel = WARNING\n"
                    + "pekko.actor.provider = local\n"
                    + "pekko.http.server.request-timeout = 10s\n")
            .withFallback(ConfigFactory.defaultReference());
    system = ActorSystem.create(Behaviors.empty(), "etsi014-test", config);
    CertificateAuthority ca = CertificateAuthority.create("test-ca");
    wuhStore = StationKeyStore.open(dir.resolve("wuh"), "WUH", TestKek.kek());
    ezhStore = StationKeyStore.open(dir.resolve("ezh"), "EZH", TestKek.kek());
    relayer = new StoringRelayer(ezhStore, 32 * 100);
    Kme wuhKme = new Kme("WUH", REGISTRY, LIMITS, wuhStore, relayer, new SecureRandom());
    Kme ezhKme =
        new Kme("EZH", REGISTRY, LIMITS, ezhStore, new StoringRelayer(wuhStore, 0), new SecureRandom());
    wuh = bind(wuhKme, TlsContexts.mutualTls(ca.issue(Role.STATION, "WUH"), ca.certificate()));
    ezh = bind(ezhKme, TlsContexts.mutualTls(ca.issue(Role.STATION, "EZH"), ca.certificate()));
    // a clock that never advances: each SAE gets exactly its burst of 2 requests
    SaeThrottle throttle = new SaeThrottle(1.0, 2, () -> 0L);
    ServerBinding throttled =
        Etsi014Server.start(
                system,
                wuhKme,
                throttle,
                TlsContexts.mutualTls(ca.issue(Role.STATION, "WUH"), ca.certificate()),
                "127.0.0.1",
                0)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    bindings.add(throttled);
    wuhThrottled = "https://127.0.0.1:" + throttled.localAddress().getPort();

    bankA = client(TlsContexts.mutualTls(ca.issue(Role.SAE, "bank-a"), ca.certificate()));
    bankB = client(TlsContexts.mutualTls(ca.issue(Role.SAE, "bank-b"), ca.certificate()));
    etc1 = client(TlsContexts.mutualTls(ca.issue(Role.SAE, "etc-1"), ca.certificate()));
    etc2 = client(TlsContexts.mutualTls(ca.issue(Role.SAE, "etc-2"), ca.certificate()));
    station = client(TlsContexts.mutualTls(ca.issue(Role.STATION, "JZH"), ca.certificate()));
    SSLContext trustOnly = SSLContext.getInstance("TLS");
    trustOnly.init(null, TlsContexts.trustManagers(ca.certificate()).getTrustManagers(), null);
    noCertificate = client(trustOnly);
    CertificateAuthority rogue = CertificateAuthority.create("rogue-ca");
    SSLContext rogueCtx = SSLContext.getInstance("TLS");
    rogueCtx.init(
        TlsContexts.keyManagers(rogue.issue(Role.SAE, "bank-a")).getKeyManagers(),
        TlsContexts.trustManagers(ca.certificate()).getTrustManagers(),
        null);
    otherCa = client(rogueCtx);
  }

  @AfterEach
  void resetRelayer() {
    relayer.failWith(null);
  }

  @AfterAll
  void stopServers() throws Exception {
    for (ServerBinding b : bindings) {
      b.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    wuhStore.close();
    ezhStore.close();
    org.qkdnet.qnode.TestTrees.delete(dir); // the stores held keys: leave nothing in /tmp
  }

  @Test
  void encKeysThenDecKeys_remoteSlave_slaveGetsIdenticalKeys() throws Exception {
    Reply enc = post(bankA, wuh, "/api/v1/keys/etc-1/enc_keys", "{\"number\":2,\"size\":128}");
    assertThat(enc.status).isEqualTo(200);
    JsonNode keys = enc.json.get("keys");
    assertThat(keys).hasSize(2);
    assertThat(JSON.readTree("\"" + keys.get(0).get("key").asText() + "\"").binaryValue())
        .hasSize(16);

    String body =
        "{\"key_IDs\":[{\"key_ID\":\""
            + keys.get(0).get("key_ID").asText()
            + "\"},{\"key_ID\":\""
            + keys.get(1).get("key_ID").asText()
            + "\"}]}";
    Reply dec = post(etc1, ezh, "/api/v1/keys/bank-a/dec_keys", body);

    assertThat(dec.status).isEqualTo(200);
    assertThat(dec.json.get("keys")).isEqualTo(keys);
  }

  @Test
  void manyRequests_startNoThreadPerRequest() throws Exception {
    // Pekko's stages run callbacks given without an executor on the JDK's default async pool,
    // which on a 2-core machine (common pool parallelism 1) starts a thread per callback: one per
    // request body and one per dec_keys answer. Where the common pool is larger this checks that
    // nothing else starts a thread per request.
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    encOne(bankA, wuh, "etc-1"); // connections and pools warm
    int pairs = 40;
    long before = threads.getTotalStartedThreadCount();
    for (int i = 0; i < pairs; i++) {
      Reply enc = post(bankA, wuh, "/api/v1/keys/etc-1/enc_keys", "{\"number\":1,\"size\":128}");
      assertThat(enc.status).isEqualTo(200);
      String id = enc.json.get("keys").get(0).get("key_ID").asText();
      Reply dec = post(etc1, ezh, "/api/v1/keys/bank-a/dec_keys", "{\"key_IDs\":[{\"key_ID\":\"" + id + "\"}]}");
      assertThat(dec.status).isEqualTo(200);
    }
    long started = threads.getTotalStartedThreadCount() - before;

    assertThat(started)
        .as("threads started during %d enc_keys/dec_keys pairs (common pool parallelism %d)", pairs,
            java.util.concurrent.ForkJoinPool.getCommonPoolParallelism())
        .isLessThan(pairs / 4);
  }

  @Test
  void encKeysThenDecKeys_getFormsLocalSlave_slaveGetsIdenticalKey() throws Exception {
    Reply enc = get(bankA, wuh, "/api/v1/keys/bank-b/enc_keys?number=1&size=256");
    JsonNode key = enc.json.get("keys").get(0);

    Reply dec =
        get(bankB, wuh, "/api/v1/keys/bank-a/dec_keys?key_ID=" + key.get("key_ID").asText());

    assertThat(dec.status).isEqualTo(200);
    assertThat(dec.json.get("keys").get(0)).isEqualTo(key);
  }

  @Test
  void anyRequest_noClientCertificate_handshakeFails() {
    Throwable t = catchThrowable(() -> get(noCertificate, wuh, "/api/v1/keys/bank-b/status"));

    assertThat(t).isInstanceOf(IOException.class);
  }

  @Test
  void anyRequest_certificateFromAnotherCa_handshakeFails() {
    Throwable t = catchThrowable(() -> get(otherCa, wuh, "/api/v1/keys/bank-b/status"));

    assertThat(t).isInstanceOf(IOException.class);
  }

  @Test
  void encKeys_stationCertificate_is401() throws Exception {
    Reply r = get(station, wuh, "/api/v1/keys/bank-b/enc_keys");

    assertThat(r.status).isEqualTo(401);
    assertThat(r.json.get("message").asText()).contains("not an SAE certificate");
  }

  @Test
  void encKeys_saeRegisteredAtAnotherStation_is401() throws Exception {
    assertThat(get(etc1, wuh, "/api/v1/keys/bank-b/enc_keys").status).isEqualTo(401);
  }

  @Test
  void decKeys_notTheDesignatedSlave_answersExactlyLikeUnknownKey() throws Exception {
    String id = encOne(bankA, wuh, "etc-1");

    Reply wrongSlave = get(etc2, ezh, "/api/v1/keys/bank-a/dec_keys?key_ID=" + id);
    Reply unknown = get(etc2, ezh, "/api/v1/keys/bank-a/dec_keys?key_ID=" + UUID.randomUUID());

    assertThat(wrongSlave.status).isEqualTo(400);
    assertThat(wrongSlave.body).isEqualTo(unknown.body);
    assertThat(wrongSlave.json.get("message").asText()).isEqualTo(Kme.KEY_NOT_FOUND);
    // and the real slave still gets it
    assertThat(get(etc1, ezh, "/api/v1/keys/bank-a/dec_keys?key_ID=" + id).status).isEqualTo(200);
  }

  @Test
  void decKeys_secondFetchOfSameKey_is400() throws Exception {
    String id = encOne(bankA, wuh, "bank-b");
    assertThat(get(bankB, wuh, "/api/v1/keys/bank-a/dec_keys?key_ID=" + id).status).isEqualTo(200);

    Reply again = get(bankB, wuh, "/api/v1/keys/bank-a/dec_keys?key_ID=" + id);

    assertThat(again.status).isEqualTo(400);
    assertThat(again.json.get("message").asText()).isEqualTo(Kme.KEY_NOT_FOUND);
  }

  @Test
  void decKeys_answerSent_keyDeletedFromTheStoreNotJustHidden() throws Exception {
    String id = encOne(bankA, wuh, "bank-b");
    assertThat(wuhStore.deliverables()).extracting(d -> d.keyId()).contains(id);

    assertThat(get(bankB, wuh, "/api/v1/keys/bank-a/dec_keys?key_ID=" + id).status).isEqualTo(200);

    // the deletion follows the answer's body onto the wire (asynchronously, within moments)
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        wuhStore.deliverables().stream().noneMatch(d -> d.keyId().equals(id)));
  }

  @Test
  void decKeys_malformedKeyId_is400WithoutEchoingIt() throws Exception {
    String evil = "EVIL-" + "z".repeat(300);

    Reply r = post(bankB, wuh, "/api/v1/keys/bank-a/dec_keys", "{\"key_IDs\":[{\"key_ID\":\"" + evil + "\"}]}");

    assertThat(r.status).isEqualTo(400);
    assertThat(r.body).doesNotContain("EVIL").doesNotContain("zzz");
  }

  @Test
  void decKeys_missingKeyIdParameter_is400() throws Exception {
    assertThat(get(bankB, wuh, "/api/v1/keys/bank-a/dec_keys").status).isEqualTo(400);
  }

  @Test
  void encKeys_bodyAboveTheLimit_is400NamingTheLimit_andIssuesNoKey() throws Exception {
    int deliverablesBefore = wuhStore.deliverables().size();
    String padded = "{\"number\":1,\"size\":128,\"extension_optional\":[\""
        + "x".repeat(Etsi014Handler.MAX_BODY_BYTES) + "\"]}";

    Reply r = post(bankA, wuh, "/api/v1/keys/etc-1/enc_keys", padded);
    byte[] bytes = padded.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Reply chunked = send(bankA, request(wuh, "/api/v1/keys/etc-1/enc_keys") // no length given: chunked
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)))
        .build());

    assertThat(List.of(r, chunked)).allSatisfy(reply -> {
      assertThat(reply.status).isEqualTo(400);
      assertThat(reply.json.get("message").asText()).contains("larger than " + Etsi014Handler.MAX_BODY_BYTES + " bytes");
    });
    assertThat(wuhStore.deliverables()).hasSize(deliverablesBefore);
    assertThat(post(bankA, wuh, "/api/v1/keys/etc-1/enc_keys", "{\"number\":1,\"size\":128}").status)
        .as("the server still answers on a new request").isEqualTo(200);
  }

  @Test
  void encKeys_sizeNotMultipleOf8_is400() throws Exception {
    Reply r = get(bankA, wuh, "/api/v1/keys/bank-b/enc_keys?size=100");

    assertThat(r.status).isEqualTo(400);
    assertThat(r.json.get("message").asText()).contains("multiple of 8");
  }

  @Test
  void encKeys_numberAboveMaximum_is400() throws Exception {
    Reply r = post(bankA, wuh, "/api/v1/keys/bank-b/enc_keys", "{\"number\":9}");

    assertThat(r.status).isEqualTo(400);
    assertThat(r.json.get("message").asText()).contains("between 1 and 8");
  }

  @Test
  void encKeys_nonNumericNumber_is400() throws Exception {
    assertThat(get(bankA, wuh, "/api/v1/keys/bank-b/enc_keys?number=lots").status).isEqualTo(400);
    assertThat(post(bankA, wuh, "/api/v1/keys/bank-b/enc_keys", "{\"number\":\"2\"}").status)
        .isEqualTo(400);
    assertThat(post(bankA, wuh, "/api/v1/keys/bank-b/enc_keys", "{\"number\":1e30}").status)
        .isEqualTo(400);
  }

  @Test
  void encKeys_malformedJson_is400() throws Exception {
    for (String body : List.of("{\"number\":", "[1,2]", "{} trailing", "{\"number\":1,\"number\":2}", "")) {
      Reply r = post(bankA, wuh, "/api/v1/keys/bank-b/enc_keys", body);
      assertThat(r.status).as(body).isEqualTo(400);
      assertThat(r.json.has("message")).isTrue();
    }
  }

  @Test
  void encKeys_deeplyNestedJson_is400() throws Exception {
    String deep = "{\"extension_optional\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

    assertThat(post(bankA, wuh, "/api/v1/keys/bank-b/enc_keys", deep).status).isEqualTo(400);
  }

  @Test
  void encKeys_oversizedBody_is400() throws Exception {
    String big = "{\"extension_optional\":[{\"pad\":\"" + "a".repeat(100 * 1024) + "\"}]}";

    assertThat(post(bankA, wuh, "/api/v1/keys/bank-b/enc_keys", big).status).isEqualTo(400);
  }

  @Test
  void encKeys_unknownField_is400() throws Exception {
    assertThat(post(bankA, wuh, "/api/v1/keys/bank-b/enc_keys", "{\"nubmer\":1}").status)
        .isEqualTo(400);
  }

  @Test
  void encKeys_unknownMandatoryExtension_is400() throws Exception {
    Reply r =
        post(
            bankA,
            wuh,
            "/api/v1/keys/bank-b/enc_keys",
            "{\"number\":1,\"extension_mandatory\":[{\"abc_route_type\":\"direct\"}]}");

    assertThat(r.status).isEqualTo(400);
    assertThat(r.json.get("message").asText()).isEqualTo("unsupported mandatory extension");
  }

  @Test
  void encKeys_optionalExtension_isIgnored() throws Exception {
    Reply r =
        post(
            bankA,
            wuh,
            "/api/v1/keys/bank-b/enc_keys",
            "{\"number\":1,\"extension_optional\":[{\"abc_route_type\":\"direct\"}]}");

    assertThat(r.status).isEqualTo(200);
  }

  @Test
  void encKeys_additionalSlavesAboveMaximum_is400() throws Exception {
    Reply r =
        post(
            bankA,
            wuh,
            "/api/v1/keys/bank-b/enc_keys",
            "{\"additional_slave_SAE_IDs\":[\"etc-1\"]}");

    assertThat(r.status).isEqualTo(400);
  }

  @Test
  void encKeys_relayPoolExhausted_is503AndNothingStoredAtDestination() throws Exception {
    relayer.failWith(RelayFailedException.POOL_EXHAUSTED);
    long before = ezhStore.deliverableCount("etc-2");

    Reply r = post(bankA, wuh, "/api/v1/keys/etc-2/enc_keys", "{\"number\":3}");

    assertThat(r.status).isEqualTo(503);
    assertThat(r.json.get("message").asText()).isEqualTo("not enough key material on the route");
    assertThat(r.json.get("details").get(0).get("reason").asText()).isEqualTo("POOL_EXHAUSTED");
    assertThat(r.json.has("keys")).isFalse();
    assertThat(ezhStore.deliverableCount("etc-2")).isEqualTo(before);
  }

  @Test
  void anyRequest_saeOverItsRate_is503ThrottledAndOtherSaeUnaffected() throws Exception {
    assertThat(get(bankA, wuhThrottled, "/api/v1/keys/bank-b/status").status).isEqualTo(200);
    assertThat(get(bankA, wuhThrottled, "/api/v1/keys/bank-b/status").status).isEqualTo(200);

    Reply refused = get(bankA, wuhThrottled, "/api/v1/keys/bank-b/status");

    assertThat(refused.status).isEqualTo(503);
    assertThat(refused.json.get("details").get(0).get("reason").asText()).isEqualTo("THROTTLED");
    assertThat(get(bankB, wuhThrottled, "/api/v1/keys/bank-a/status").status).isEqualTo(200);
  }

  @Test
  void status_remoteSlave_reportsCountsAndLimits() throws Exception {
    Reply r = get(bankA, wuh, "/api/v1/keys/etc-1/status");

    assertThat(r.status).isEqualTo(200);
    JsonNode s = r.json;
    assertThat(s.get("source_KME_ID").asText()).isEqualTo("WUH");
    assertThat(s.get("target_KME_ID").asText()).isEqualTo("EZH");
    assertThat(s.get("master_SAE_ID").asText()).isEqualTo("bank-a");
    assertThat(s.get("slave_SAE_ID").asText()).isEqualTo("etc-1");
    assertThat(s.get("key_size").asInt()).isEqualTo(256);
    assertThat(s.get("stored_key_count").asLong()).isEqualTo(100);
    assertThat(s.get("max_key_count").asLong()).isGreaterThanOrEqualTo(100);
    assertThat(s.get("max_key_per_request").asInt()).isEqualTo(8);
    assertThat(s.get("max_key_size").asInt()).isEqualTo(1024);
    assertThat(s.get("min_key_size").asInt()).isEqualTo(64);
    assertThat(s.get("max_SAE_ID_count").asInt()).isZero();
  }

  @Test
  void status_unknownSlave_is400() throws Exception {
    Reply r = get(bankA, wuh, "/api/v1/keys/nobody/status");

    assertThat(r.status).isEqualTo(400);
    assertThat(r.json.get("message").asText()).isEqualTo("unknown slave SAE");
  }

  @Test
  void unknownPath_is404() throws Exception {
    assertThat(get(bankA, wuh, "/api/v1/keys/bank-b/other").status).isEqualTo(404);
    assertThat(get(bankA, wuh, "/api/v2/keys/bank-b/status").status).isEqualTo(404);
    assertThat(get(bankA, wuh, "/").status).isEqualTo(404);
  }

  @Test
  void wrongMethod_is405WithAllow() throws Exception {
    HttpResponse<String> r =
        bankA.send(
            request(wuh, "/api/v1/keys/bank-b/status").DELETE().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET");
    assertThat(post(bankA, wuh, "/api/v1/keys/bank-b/status", "{}").status).isEqualTo(405);
  }

  @Test
  void everyResponse_hasCacheControlNoStore() throws Exception {
    List<Reply> replies =
        List.of(
            get(bankA, wuh, "/api/v1/keys/bank-b/status"),
            get(bankA, wuh, "/api/v1/keys/bank-b/enc_keys"),
            get(bankA, wuh, "/api/v1/keys/bank-b/enc_keys?size=7"),
            get(station, wuh, "/api/v1/keys/bank-b/status"),
            get(bankA, wuh, "/nothing/here"),
            post(bankA, wuh, "/api/v1/keys/bank-b/status", "{}"));

    assertThat(replies).extracting(r -> r.status).containsExactly(200, 200, 400, 401, 404, 405);
    assertThat(replies).allSatisfy(r -> assertThat(r.cacheControl).isEqualTo("no-store"));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private record Reply(int status, String body, JsonNode json, String cacheControl) {}

  private String encOne(HttpClient master, String base, String slave) throws Exception {
    Reply r = get(master, base, "/api/v1/keys/" + slave + "/enc_keys");
    assertThat(r.status).isEqualTo(200);
    return r.json.get("keys").get(0).get("key_ID").asText();
  }

  private Reply get(HttpClient c, String base, String path) throws Exception {
    return send(c, request(base, path).GET().build());
  }

  private Reply post(HttpClient c, String base, String path, String json) throws Exception {
    return send(
        c,
        request(base, path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private static HttpRequest.Builder request(String base, String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
  }

  private static Reply send(HttpClient c, HttpRequest req) throws Exception {
    HttpResponse<String> r = c.send(req, HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    return new Reply(
        r.statusCode(), r.body(), json, r.headers().firstValue("Cache-Control").orElse(null));
  }

  private String bind(Kme kme, SSLContext ctx) throws Exception {
    ServerBinding b =
        Etsi014Server.start(system, kme, ctx, "127.0.0.1", 0)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    bindings.add(b);
    return "https://127.0.0.1:" + b.localAddress().getPort();
  }

  private static HttpClient client(SSLContext ctx) {
    return HttpClient.newBuilder()
        .sslContext(ctx)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
