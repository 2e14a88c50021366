package org.qkdnet.qnode.sae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.qkdnet.qnode.crypto.KeyMaterial;

/**
 * An application's (SAE's) client of ETSI GS QKD 014, as the demo and the tests use it: HTTPS with
 * the SAE's client certificate. Keys come back as {@link KeyMaterial}; never print them.
 */
public final class Etsi014Client {
  /** One key as ETSI 014 delivers it. */
  public record Key(String keyId, KeyMaterial key) {}

  /** A non-200 answer: status code and the KME's message (bodies never contain key bytes). */
  public static final class Etsi014Error extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public Etsi014Error(int status, String message) {
      super("HTTP " + status + ": " + message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI base;

  /** @param baseUrl e.g. {@code https://127.0.0.1:27002} */
  public Etsi014Client(String baseUrl, SSLContext saeTls, Duration timeout) {
    this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    this.http = HttpClient.newBuilder().sslContext(saeTls).connectTimeout(timeout).build();
  }

  public JsonNode status(String slaveSae) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve("api/v1/keys/" + slaveSae + "/status")).GET());
  }

  /** POST enc_keys: {@code number} keys of {@code sizeBits} shared with {@code slaveSae}. */
  public List<Key> encKeys(String slaveSae, int number, int sizeBits) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("number", number).put("size", sizeBits);
    return keys(send(post("api/v1/keys/" + slaveSae + "/enc_keys", body)));
  }

  /** POST dec_keys: fetch keys by id, made for us by {@code masterSae}. */
  public List<Key> decKeys(String masterSae, List<String> keyIds) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode ids = body.putArray("key_IDs");
    keyIds.forEach(id -> ids.addObject().put("key_ID", id));
    return keys(send(post("api/v1/keys/" + masterSae + "/dec_keys", body)));
  }

  private HttpRequest.Builder post(String path, JsonNode body) throws IOException {
    return HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    JsonNode json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
    if (r.statusCode() != 200) {
      throw new Etsi014Error(r.statusCode(), json.path("message").asText("(no message)"));
    }
    return json;
  }

  private static List<Key> keys(JsonNode json) {
    List<Key> out = new ArrayList<>();
    for (JsonNode k : json.path("keys")) {
      out.add(new Key(k.path("key_ID").asText(), KeyMaterial.wrap(Base64.getDecoder().decode(k.path("key").asText()))));
    }
    return out;
  }
}
