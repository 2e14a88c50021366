package org.qkdnet.qnode.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TlsContextsTest {
  private static final int TIMEOUT_MS = 5_000;
  private static final CertificateAuthority CA = CertificateAuthority.create("tls CA");
  private static final Identity SERVER = CA.issue(Role.STATION, "WUH");
  private static final ExecutorService POOL = Executors.newCachedThreadPool();

  @AfterAll
  static void stop() {
    POOL.shutdownNow();
  }

  @Test
  void handshake_clientFromSameCa_succeedsWithTls13() throws Exception {
    SSLContext client = TlsContexts.mutualTls(CA.issue(Role.SAE, "WUH-BANK"), CA.certificate());
    Result r = handshake(client);
    assertThat(r.server.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo("TLSv1.3 SAE/WUH-BANK");
    assertThat(r.client.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo("TLSv1.3 1");
  }

  @Test
  void handshake_noClientCertificate_fails() throws Exception {
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, TlsContexts.trustManagers(CA.certificate()).getTrustManagers(),
        new SecureRandom());
    Result r = handshake(client);
    assertServerRejects(r);
  }

  @Test
  void handshake_clientFromOtherCa_fails() throws Exception {
    CertificateAuthority other = CertificateAuthority.create("other CA");
    // The impostor trusts our CA, so only the server's check of the client can fail.
    SSLContext client = TlsContexts.mutualTls(other.issue(Role.SAE, "WUH-BANK"), CA.certificate());
    Result r = handshake(client);
    assertServerRejects(r);
  }

  @Test
  void handshake_serverFromOtherCa_clientRejects() throws Exception {
    CertificateAuthority other = CertificateAuthority.create("other CA");
    SSLContext client = TlsContexts.mutualTls(other.issue(Role.SAE, "S"), other.certificate());
    Result r = handshake(client);
    assertThatThrownBy(() -> r.client.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void engines_restrictProtocolsAndSuites() {
    SSLContext ctx = TlsContexts.mutualTls(SERVER, CA.certificate());
    SSLEngine server = TlsContexts.serverEngine(ctx);
    SSLEngine client = TlsContexts.clientEngine(ctx, "localhost", 4433);
    assertThat(server.getNeedClientAuth()).isTrue();
    assertThat(server.getUseClientMode()).isFalse();
    assertThat(client.getUseClientMode()).isTrue();
    assertThat(client.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
    for (SSLEngine e : new SSLEngine[] {server, client}) {
      assertThat(e.getEnabledProtocols()).containsExactly(TlsContexts.PROTOCOLS);
      assertThat(e.getEnabledCipherSuites()).isSubsetOf(TlsContexts.cipherSuites())
          .allMatch(s -> s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_")
              || (s.startsWith("TLS_ECDHE_") && (s.contains("_GCM_") || s.contains("CHACHA20"))));
    }
  }

  private static void assertServerRejects(Result r) throws Exception {
    assertThatThrownBy(() -> r.server.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SSLHandshakeException.class);
    // In TLS 1.3 the client may finish first; it must still never receive application data.
    assertThatThrownBy(() -> r.client.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfAny(SSLException.class, IOException.class);
  }

  // Name for the hostname check, address pinned to IPv4 loopback where the server listens.
  private static final InetAddress LOCALHOST;

  static {
    try {
      LOCALHOST = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private record Result(Future<String> server, Future<String> client) {}

  /** Server accepts one connection, sends one byte; client reads it. Both report the protocol. */
  private static Result handshake(SSLContext clientCtx) throws IOException {
    SSLContext serverCtx = TlsContexts.mutualTls(SERVER, CA.certificate());
    SSLServerSocket ss = (SSLServerSocket) serverCtx.getServerSocketFactory().createServerSocket();
    ss.bind(new InetSocketAddress(LOCALHOST, 0));
    ss.setSSLParameters(TlsContexts.serverParameters(serverCtx));
    ss.setSoTimeout(TIMEOUT_MS);
    int port = ss.getLocalPort();
    Future<String> server = POOL.submit(() -> {
      try (ss; SSLSocket s = (SSLSocket) ss.accept()) {
        s.setSoTimeout(TIMEOUT_MS);
        s.startHandshake();
        String peer = PeerIdentity.of((X509Certificate) s.getSession().getPeerCertificates()[0])
            .map(p -> p.role() + "/" + p.id()).orElse("?");
        s.getOutputStream().write(1);
        s.getOutputStream().flush();
        return s.getSession().getProtocol() + " " + peer;
      }
    });
    Future<String> client = POOL.submit(() -> {
      try (SSLSocket s = (SSLSocket) clientCtx.getSocketFactory().createSocket()) {
        s.setSSLParameters(TlsContexts.clientParameters(clientCtx));
        s.connect(new InetSocketAddress(LOCALHOST, port), TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        s.startHandshake();
        int b = s.getInputStream().read();
        if (b < 0) {
          throw new IOException("server closed the connection");
        }
        return s.getSession().getProtocol() + " " + b;
      }
    });
    return new Result(server, client);
  }
}
