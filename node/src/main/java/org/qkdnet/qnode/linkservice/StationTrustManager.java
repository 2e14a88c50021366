package org.qkdnet.qnode.linkservice;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.qkdnet.qnode.crypto.PeerIdentity;
import org.qkdnet.qnode.crypto.Role;

/**
 * Client-side trust for calls to one neighbour: the chain must verify against our CA (the
 * delegate) and the leaf must be the station certificate of exactly that neighbour, so a
 * mis-wired endpoint cannot receive another link's traffic. With no expected station (the admin
 * client), any station certificate of our CA is accepted.
 */
final class StationTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final String expectedStation;

  StationTrustManager(X509ExtendedTrustManager delegate, String expectedStation) {
    this.delegate = delegate;
    this.expectedStation = expectedStation;
  }

  private void checkIdentity(X509Certificate[] chain) throws CertificateException {
    Optional<PeerIdentity> id = chain.length == 0 ? Optional.empty() : PeerIdentity.of(chain[0]);
    if (id.isEmpty() || id.get().role() != Role.STATION
        || (expectedStation != null && !id.get().id().equals(expectedStation))) {
      throw new CertificateException("server certificate is not the station certificate of "
          + (expectedStation == null ? "a station" : expectedStation) + " (got "
          + id.map(PeerIdentity::toString).orElse("an unknown identity") + ")");
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    checkIdentity(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    checkIdentity(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    checkIdentity(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("client-side trust manager");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("client-side trust manager");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("client-side trust manager");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
