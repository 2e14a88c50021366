package org.qkdnet.qnode.kme.etsi014;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.qkdnet.qnode.kme.Kme;
import org.qkdnet.qnode.kme.KmeException;
import org.qkdnet.qnode.kme.SaeThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes ETSI GS QKD 014 requests to {@link Kme}: authenticates the SAE by its certificate,
 * parses the request and writes the answer. Holds no state of its own.
 */
final class Etsi014Handler {
  static final int MAX_BODY_BYTES = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(Etsi014Handler.class);
  private static final long BODY_TIMEOUT_MILLIS = 5_000;
  /** A dec_keys answer the server has not started to send by then is given up (keys kept). */
  static final long UNSENT_AFTER_MILLIS = 60_000;
  private static final CacheControl NO_STORE = CacheControl.create(CacheDirectives.NO_STORE);

  private final Kme kme;
  private final Optional<SaeThrottle> throttle;
  private final Optional<SaeThrottle> keyBytes;
  private final Materializer materializer;
  private final Executor blocking;
  private final Etsi014Recorder recorder;
  private final Etsi014Json json = new Etsi014Json();

  Etsi014Handler(
      Kme kme, Optional<SaeThrottle> throttle, Optional<SaeThrottle> keyBytes, Materializer materializer,
      Executor blocking, Etsi014Recorder recorder) {
    this.kme = kme;
    this.throttle = throttle;
    this.keyBytes = keyBytes;
    this.materializer = materializer;
    this.blocking = blocking;
    this.recorder = recorder;
  }

  CompletionStage<HttpResponse> handle(HttpRequest request) {
    long start = System.nanoTime();
    Optional<String> sae = SaeCaller.of(request);
    CompletionStage<HttpResponse> response;
    try {
      response = dispatch(request, sae);
    } catch (RuntimeException e) {
      request.discardEntityBytes(materializer);
      response = CompletableFuture.failedFuture(e);
    }
    return response
        .exceptionally(this::errorResponse)
        .thenApply(r -> recorded(request, start, logged(request, sae, r.addHeader(NO_STORE))));
  }

  private HttpResponse recorded(HttpRequest request, long start, HttpResponse r) {
    try {
      recorder.answered(Etsi014Recorder.endpointOf(request.getUri().path()), r.status().intValue(),
          System.nanoTime() - start);
    } catch (RuntimeException e) {
      log.warn("ETSI 014 metrics not recorded: {}", e.toString());
    }
    return r;
  }

  private CompletionStage<HttpResponse> dispatch(HttpRequest request, Optional<String> sae) {
    List<String> path = new ArrayList<>();
    request.getUri().pathSegments().forEach(path::add);
    if (!path.isEmpty() && path.get(0).isEmpty()) {
      path.remove(0);
    }
    if (path.size() != 5
        || !path.get(0).equals("api")
        || !path.get(1).equals("v1")
        || !path.get(2).equals("keys")
        || path.get(3).isEmpty()) {
      throw new KmeException(404, "not found");
    }
    String peerSae = path.get(3);
    HttpMethod method = request.method();
    switch (path.get(4)) {
      case "status" -> {
        if (!method.equals(HttpMethods.GET)) {
          return methodNotAllowed(request, HttpMethods.GET);
        }
        String caller = admit(sae);
        request.discardEntityBytes(materializer);
        return onBlocking(() -> kme.status(caller, peerSae))
            .thenApply(s -> ok(json.status(s)));
      }
      case "enc_keys" -> {
        if (!method.equals(HttpMethods.GET) && !method.equals(HttpMethods.POST)) {
          return methodNotAllowed(request, HttpMethods.GET, HttpMethods.POST);
        }
        String caller = admit(sae);
        return encKeysRequest(request)
            .thenApply(r -> admitKeyBytes(caller, r))
            .thenCompose(
                r ->
                    onBlocking(
                        () ->
                            kme.encKeys(
                                caller,
                                peerSae,
                                r.number(),
                                r.size(),
                                r.additionalSlaveSaeIds(),
                                r.extensionMandatory())))
            .thenApply(keys -> ok(json.keys(keys)));
      }
      case "dec_keys" -> {
        if (!method.equals(HttpMethods.GET) && !method.equals(HttpMethods.POST)) {
          return methodNotAllowed(request, HttpMethods.GET, HttpMethods.POST);
        }
        String caller = admit(sae);
        return decKeysRequest(request)
            .thenCompose(ids -> onBlocking(() -> kme.handOutKeys(caller, peerSae, ids)))
            .thenApply(this::keysAnswer);
      }
      default -> throw new KmeException(404, "not found");
    }
  }

  private CompletionStage<EncKeysRequest> encKeysRequest(HttpRequest request) {
    if (request.method().equals(HttpMethods.POST)) {
      return body(request).thenApply(b -> json.encKeysRequest(b, kme.limits()));
    }
    request.discardEntityBytes(materializer);
    Query q = query(request);
    int number = queryInt(q, "number", 1);
    int size = queryInt(q, "size", kme.limits().defaultKeySize());
    return CompletableFuture.completedFuture(new EncKeysRequest(number, size, List.of(), List.of()));
  }

  private CompletionStage<List<String>> decKeysRequest(HttpRequest request) {
    if (request.method().equals(HttpMethods.POST)) {
      return body(request).thenApply(json::decKeysRequest);
    }
    request.discardEntityBytes(materializer);
    List<String> ids = query(request).getAll("key_ID");
    if (ids.isEmpty()) {
      throw new KmeException(400, "key_ID query parameter is required");
    }
    return CompletableFuture.completedFuture(ids);
  }

  private CompletionStage<byte[]> body(HttpRequest request) {
    java.util.OptionalLong declared = request.entity().getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > MAX_BODY_BYTES) {
      throw tooLarge(); // the caller discards the body
    }
    return PekkoStages.onCompletingThread(request
            .entity()
            .withSizeLimit(MAX_BODY_BYTES)
            .toStrict(BODY_TIMEOUT_MILLIS, MAX_BODY_BYTES, materializer)) // a limit given: no config lookup per request
        .handle(
            (strict, error) -> {
              if (error == null) {
                return strict.getData().toArray();
              }
              if (unwrap(error) instanceof EntityStreamSizeException) {
                throw tooLarge();
              }
              throw new KmeException(400, "could not read the request body");
            });
  }

  private static KmeException tooLarge() {
    return new KmeException(400, "request body is larger than " + MAX_BODY_BYTES + " bytes");
  }

  private static Query query(HttpRequest request) {
    try {
      return request.getUri().query();
    } catch (RuntimeException e) {
      throw new KmeException(400, "malformed query string");
    }
  }

  private static int queryInt(Query q, String name, int fallback) {
    List<String> values = q.getAll(name);
    if (values.isEmpty()) {
      return fallback;
    }
    if (values.size() > 1) {
      throw new KmeException(400, name + " is given more than once");
    }
    try {
      return Integer.parseInt(values.get(0));
    } catch (NumberFormatException e) {
      throw new KmeException(400, name + " must be an integer");
    }
  }

  private String admit(Optional<String> sae) {
    String caller =
        sae.orElseThrow(
            () -> new KmeException(401, "client certificate is not an SAE certificate"));
    if (throttle.isPresent() && !throttle.get().tryAcquire(caller)) {
      // ETSI GS QKD 014 knows only 400/401/503; 503 tells the SAE to come back later
      throw new KmeException(503, "too many requests from this SAE", List.of("THROTTLED"));
    }
    return caller;
  }

  private EncKeysRequest admitKeyBytes(String caller, EncKeysRequest r) {
    long bytes = (long) Math.max(0, r.number()) * Math.max(0, r.size() / 8);
    if (keyBytes.isPresent() && bytes > 0 && !keyBytes.get().tryAcquire(caller, bytes)) {
      throw new KmeException(503, "this SAE asked for more key per second than it may", List.of("THROTTLED"));
    }
    return r;
  }

  private <T> CompletionStage<T> onBlocking(Supplier<CompletionStage<T>> call) {
    // the key store does synced disk writes: keep them off the HTTP event loop
    return CompletableFuture.supplyAsync(call, blocking).thenCompose(Function.identity());
  }

  private CompletionStage<HttpResponse> methodNotAllowed(
      HttpRequest request, HttpMethod... allowed) {
    request.discardEntityBytes(materializer);
    return CompletableFuture.completedFuture(
        jsonResponse(405, json.error("method not allowed", List.of()))
            .addHeader(Allow.create(allowed)));
  }

  private HttpResponse errorResponse(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof KmeException e) {
      return jsonResponse(e.httpStatus(), json.error(e.getMessage(), e.details()));
    }
    log.error("ETSI 014 request failed unexpectedly", cause);
    return jsonResponse(500, json.error("internal error", List.of()));
  }

  /**
   * The dec_keys answer, whose keys are deleted only once the server took its body to send it
   * (and ran to the end), and then a moment later ({@link Kme#DELETE_TAKEN_AFTER_MILLIS}); if the body is not taken (connection gone, stream failed) or never
   * rendered within {@link #UNSENT_AFTER_MILLIS}, the keys wait for the slave again.
   */
  private HttpResponse keysAnswer(Kme.Fetch fetch) {
    byte[] body;
    try {
      body = json.keys(fetch.keys());
    } catch (RuntimeException e) {
      settle(fetch, false);
      throw e;
    }
    ByteString data = ByteString.fromArray(body);
    java.util.Arrays.fill(body, (byte) 0);
    AtomicBoolean taken = new AtomicBoolean();
    Source<ByteString, NotUsed> source = Source.single(data)
        .map(b -> {
          if (!fetch.startSending()) {
            throw new IllegalStateException("dec_keys answer given up before it was sent");
          }
          taken.set(true);
          return b;
        })
        .watchTermination((mat, done) -> {
          PekkoStages.onCompletingThread(done).whenComplete((d, error) -> {
            if (error == null && taken.get()) {
              fetch.taken(blocking); // deleted a moment later: the bytes have to leave the process first
            } else {
              settle(fetch, false);
            }
          });
          return mat;
        });
    CompletableFuture.delayedExecutor(UNSENT_AFTER_MILLIS, TimeUnit.MILLISECONDS, blocking).execute(fetch::giveUp);
    return HttpResponse.create()
        .withStatus(200)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, data.size(), source));
  }

  private void settle(Kme.Fetch fetch, boolean sent) {
    // a synced store write: off the stream's and the HTTP server's threads
    try {
      blocking.execute(() -> fetch.answered(sent));
    } catch (RuntimeException e) {
      fetch.answered(sent);
    }
  }

  private static HttpResponse ok(byte[] body) {
    return jsonResponse(200, body);
  }

  private static HttpResponse jsonResponse(int status, byte[] body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  private static HttpResponse logged(HttpRequest request, Optional<String> sae, HttpResponse r) {
    // method, path, status and SAE only: queries and bodies carry key ids, responses carry keys
    String path = request.getUri().path();
    if (path.length() > 200) {
      path = path.substring(0, 200) + "…";
    }
    int status = r.status().intValue();
    if (status < 400) {
      log.debug("{} {} -> {} sae={}", request.method().value(), path, status, sae.orElse("-"));
    } else {
      log.info("{} {} -> {} sae={}", request.method().value(), path, status, sae.orElse("-"));
    }
    return r;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    for (int i = 0; i < 8 && cur instanceof CompletionException && cur.getCause() != null; i++) {
      cur = cur.getCause();
    }
    return cur;
  }
}
