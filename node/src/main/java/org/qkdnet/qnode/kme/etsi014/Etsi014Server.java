package org.qkdnet.qnode.kme.etsi014;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.Materializer;
import org.qkdnet.qnode.crypto.TlsContexts;
import org.qkdnet.qnode.kme.Kme;
import org.qkdnet.qnode.kme.SaeThrottle;

/**
 * The ETSI GS QKD 014 HTTPS endpoint of a station. TLS requires a client certificate; the SAE is
 * the identity in that certificate, so the server reads the TLS session of every request.
 */
public final class Etsi014Server {
  private Etsi014Server() {}

  /** Binds on {@code host:port} (port 0 picks a free one); unbind through the returned binding. */
  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, Kme kme, SSLContext ctx, String host, int port) {
    return start(system, kme, Optional.empty(), Optional.empty(), ctx, host, port, Etsi014Recorder.NONE);
  }

  /** As above, refusing with 503 (reason THROTTLED) an SAE that exceeds its {@code throttle}. */
  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, Kme kme, SaeThrottle throttle, SSLContext ctx, String host, int port) {
    return start(system, kme, Optional.of(throttle), Optional.empty(), ctx, host, port, Etsi014Recorder.NONE);
  }

  /**
   * As above, also refusing with 503 (THROTTLED) an enc_keys request whose key bytes (number x
   * size / 8) exceed the SAE's {@code keyBytes} bucket.
   */
  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, Kme kme, SaeThrottle throttle, SaeThrottle keyBytes, SSLContext ctx, String host,
      int port) {
    return start(system, kme, Optional.of(throttle), Optional.of(keyBytes), ctx, host, port, Etsi014Recorder.NONE);
  }

  /** As above, reporting every answered request to {@code recorder} (metrics). */
  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, Kme kme, SaeThrottle throttle, SaeThrottle keyBytes, SSLContext ctx, String host,
      int port, Etsi014Recorder recorder) {
    return start(system, kme, Optional.of(throttle), Optional.of(keyBytes), ctx, host, port, recorder);
  }

  private static CompletionStage<ServerBinding> start(
      ActorSystem<?> system,
      Kme kme,
      Optional<SaeThrottle> throttle,
      Optional<SaeThrottle> keyBytes,
      SSLContext ctx,
      String host,
      int port,
      Etsi014Recorder recorder) {
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    Etsi014Handler handler =
        new Etsi014Handler(kme, throttle, keyBytes, Materializer.matFromSystem(system), blocking, recorder);
    HttpsConnectionContext https =
        ConnectionContext.httpsServer(() -> TlsContexts.serverEngine(ctx));
    return Http.get(system)
        .newServerAt(host, port)
        .enableHttps(https)
        // set here rather than in the station config, so the SAE check cannot be configured away
        .adaptSettings(
            s ->
                s.withParserSettings(
                    s.getParserSettings().withIncludeSslSessionAttribute(true)))
        .bind(handler::handle);
  }
}
