package org.qkdnet.qnode.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mutual-TLS contexts for every qnode connection: both sides present a certificate from the
 * deployment CA and nothing else is trusted (not the JDK's default CA list).
 *
 * <p>TLS 1.3, or TLS 1.2 restricted to ECDHE key exchange with AEAD ciphers: forward secrecy and
 * no CBC padding oracles on the one fallback we allow.
 */
public final class TlsContexts {
  /** Allowed protocol versions, most preferred first. Copied, never used directly, by engines. */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private static final List<String> PROTOCOL_LIST = List.of("TLSv1.3", "TLSv1.2");
  private static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_256_GCM_SHA384",
      "TLS_AES_128_GCM_SHA256",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  // Never leaves this JVM, so it protects nothing; the key stores merely refuse a null password.
  private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();
  private static final String ALIAS = "qnode";

  private TlsContexts() {}

  /** The allowed cipher suites, most preferred first (also for netty's SslContextBuilder). */
  public static String[] cipherSuites() {
    return CIPHER_SUITES.toArray(new String[0]);
  }

  /** A context presenting {@code self} and trusting only certificates issued by {@code ca}. */
  public static SSLContext mutualTls(Identity self, X509Certificate trustedCa) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers(self).getKeyManagers(), trustManagers(trustedCa).getTrustManagers(),
          new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build TLS context: " + e.getMessage(), e);
    }
  }

  /** Key managers for {@code self}, from an in-memory PKCS#12 store. */
  public static KeyManagerFactory keyManagers(Identity self) {
    Objects.requireNonNull(self, "self");
    try {
      // JKS, not PKCS12: PKCS12 would wrap the key under 10,000 rounds of PBKDF2 and unwrap it
      // again for the key manager (tens of ms per call at start-up, several calls per station)
      // to protect a store that never leaves memory
      KeyStore ks = emptyStore("JKS");
      ks.setKeyEntry(ALIAS, self.privateKey(), IN_MEMORY_PASSWORD,
          new Certificate[] {self.certificate()});
      // PKIX (not SunX509) picks the key matching the negotiated signature scheme.
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(ks, IN_MEMORY_PASSWORD);
      return kmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load TLS identity: " + e.getMessage(), e);
    }
  }

  /** Trust managers accepting exactly the chains that end at {@code ca}. */
  public static TrustManagerFactory trustManagers(X509Certificate ca) {
    Objects.requireNonNull(ca, "ca");
    try {
      KeyStore ks = emptyStore();
      ks.setCertificateEntry(ALIAS + "-ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      return tmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load trusted CA: " + e.getMessage(), e);
    }
  }

  /** A server-side engine that requires a client certificate. */
  public static SSLEngine serverEngine(SSLContext ctx) {
    SSLEngine engine = ctx.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setSSLParameters(serverParameters(ctx));
    return engine;
  }

  /** A client-side engine for {@code host:port}, checking the server's name against its SAN. */
  public static SSLEngine clientEngine(SSLContext ctx, String host, int port) {
    SSLEngine engine = ctx.createSSLEngine(host, port);
    engine.setUseClientMode(true);
    engine.setSSLParameters(clientParameters(ctx));
    return engine;
  }

  /** Server parameters: our protocols and suites, client certificate required. */
  public static SSLParameters serverParameters(SSLContext ctx) {
    SSLParameters p = restricted(ctx);
    p.setNeedClientAuth(true);
    return p;
  }

  /** Client parameters: our protocols and suites, HTTPS-style host name verification. */
  public static SSLParameters clientParameters(SSLContext ctx) {
    SSLParameters p = restricted(ctx);
    p.setEndpointIdentificationAlgorithm("HTTPS");
    return p;
  }

  private static SSLParameters restricted(SSLContext ctx) {
    SSLParameters supported = ctx.getSupportedSSLParameters();
    SSLParameters p = new SSLParameters();
    p.setProtocols(intersect(PROTOCOL_LIST, supported.getProtocols(), "protocol"));
    p.setCipherSuites(intersect(CIPHER_SUITES, supported.getCipherSuites(), "cipher suite"));
    p.setUseCipherSuitesOrder(true);
    return p;
  }

  private static String[] intersect(List<String> wanted, String[] supported, String what) {
    List<String> have = Arrays.asList(supported);
    String[] out = wanted.stream().filter(have::contains).toArray(String[]::new);
    if (out.length == 0) {
      throw new IllegalStateException("this JDK supports no allowed TLS " + what + " of " + wanted);
    }
    return out;
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    return emptyStore("PKCS12");
  }

  private static KeyStore emptyStore(String type) throws GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(type);
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot initialise in-memory key store", e);
    }
    return ks;
  }
}
