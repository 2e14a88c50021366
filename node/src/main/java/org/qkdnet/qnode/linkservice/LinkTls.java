package org.qkdnet.qnode.linkservice;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.qkdnet.qnode.crypto.Identity;
import org.qkdnet.qnode.crypto.TlsContexts;

/**
 * Netty TLS contexts for LinkService: TLS 1.3, mutual, our CA only.
 *
 * <p>The TLS engine is BoringSSL (netty-tcnative, bundled in grpc-netty-shaded) where its native
 * library loads, else the JDK's: on the post-processing path (megabyte sifting messages, hundreds
 * of Cascade rounds per frame) the JDK engine's AES-GCM was a large share of a station's CPU.
 * Certificates, the CA and the peer check are the same with either.
 */
public final class LinkTls {
  /** The TLS engine in use: OPENSSL (BoringSSL) when available, else JDK. */
  public static final SslProvider PROVIDER = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;

  private final Identity self;
  private final X509Certificate ca;

  public LinkTls(Identity self, X509Certificate ca) {
    this.self = self;
    this.ca = ca;
  }

  /** The station's server side: its certificate, clients must present one of our CA (TLS 1.3). */
  public SslContext server() {
    try {
      return GrpcSslContexts.configure(
              SslContextBuilder.forServer(TlsContexts.keyManagers(self))
                  .trustManager(TlsContexts.trustManagers(ca))
                  .clientAuth(ClientAuth.REQUIRE)
                  .protocols("TLSv1.3"),
              PROVIDER)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the LinkService server TLS context", e);
    }
  }

  SslContext clientFor(String neighbour) {
    try {
      return GrpcSslContexts.configure(
              SslContextBuilder.forClient()
                  .keyManager(TlsContexts.keyManagers(self))
                  .trustManager(new StationTrustManager(caTrust(), neighbour))
                  .protocols("TLSv1.3"),
              PROVIDER)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the LinkService client TLS context", e);
    }
  }

  /**
   * A client of any station's gRPC server (the operator's admin client): presents {@code self},
   * accepts a server only with a station certificate of {@code ca} (TLS 1.3).
   */
  public static SslContext clientOfAnyStation(Identity self, X509Certificate ca) {
    try {
      return GrpcSslContexts.configure(
              SslContextBuilder.forClient()
                  .keyManager(TlsContexts.keyManagers(self))
                  .trustManager(new StationTrustManager(caTrust(ca), null))
                  .protocols("TLSv1.3"),
              PROVIDER)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the admin client TLS context", e);
    }
  }

  private X509ExtendedTrustManager caTrust() {
    return caTrust(ca);
  }

  private static X509ExtendedTrustManager caTrust(X509Certificate ca) {
    TrustManagerFactory tmf = TlsContexts.trustManagers(ca);
    TrustManager[] tms = tmf.getTrustManagers();
    return Arrays.stream(tms)
        .filter(X509ExtendedTrustManager.class::isInstance)
        .map(X509ExtendedTrustManager.class::cast)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no X509 trust manager for the CA"));
  }
}
