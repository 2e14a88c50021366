package org.qkdnet.qnode.cluster;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.SSLEngineProvider;
import org.qkdnet.qnode.crypto.Pem;
import org.qkdnet.qnode.crypto.PeerIdentity;
import org.qkdnet.qnode.crypto.Role;
import org.qkdnet.qnode.crypto.TlsContexts;
import scala.Option;

/**
 * Mutual TLS for Pekko's Artery transport (the cluster control plane) with the station's own
 * certificate from {@code qnode.tls-dir}: only stations of our CA may join or gossip.
 * Selected by {@code pekko.remote.artery.ssl.ssl-engine-provider}; Pekko calls the constructor.
 */
public final class ArteryTls implements SSLEngineProvider {
  private final SSLContext context;

  public ArteryTls(ActorSystem system) {
    Config c = system.settings().config();
    String self = c.getString("qnode.station-id");
    Path dir = Path.of(c.getString("qnode.tls-dir"));
    try {
      this.context = TlsContexts.mutualTls(
          Pem.readIdentity(dir.resolve("stations").resolve(self + ".crt"), dir.resolve("stations").resolve(self + ".key")),
          Pem.readCertificate(dir.resolve("ca.crt")));
    } catch (IOException e) {
      throw new UncheckedIOException("qnode.tls-dir: cluster TLS material of " + self + " unreadable", e);
    }
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return TlsContexts.serverEngine(context);
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    return TlsContexts.clientEngine(context, hostname, port);
  }

  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return verify(session);
  }

  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return verify(session);
  }

  /** The peer must hold a station certificate of our CA (the chain was already verified). */
  private static Option<Throwable> verify(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      Optional<PeerIdentity> id = chain.length > 0 && chain[0] instanceof X509Certificate x
          ? PeerIdentity.of(x) : Optional.empty();
      if (id.isPresent() && id.get().role() == Role.STATION) {
        return Option.empty();
      }
      return Option.apply(new SSLPeerUnverifiedException("cluster peer is not a station certificate"));
    } catch (SSLPeerUnverifiedException e) {
      return Option.apply(e);
    }
  }
}
