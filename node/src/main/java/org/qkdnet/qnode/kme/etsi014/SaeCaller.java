package org.qkdnet.qnode.kme.etsi014;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.SslSessionInfo;
import org.qkdnet.qnode.crypto.PeerIdentity;
import org.qkdnet.qnode.crypto.Role;

/** The SAE behind a request: the id in its TLS client certificate, if that is an SAE certificate. */
final class SaeCaller {
  private SaeCaller() {}

  static Optional<String> of(HttpRequest request) {
    Optional<SslSessionInfo> info = request.getAttribute(AttributeKeys.sslSession);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    Certificate[] chain;
    try {
      chain = info.get().getSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    return PeerIdentity.of(leaf).filter(p -> p.role() == Role.SAE).map(PeerIdentity::id);
  }
}
