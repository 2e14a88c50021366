package org.qkdnet.qnode.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development certificate authority issuing EC P-256 certificates for stations, SAEs and
 * operators. P-256 rather than SM2 because JDK TLS cannot use SM2 certificates.
 *
 * <p>Subjects are {@code CN=<id>, OU=<role>, O=qnode}; {@link PeerIdentity#of} reads them back.
 * Only the JDK default providers are used for keys and signatures, so the keys interoperate with
 * JDK TLS without registering Bouncy Castle as a global provider.
 */
public final class CertificateAuthority {
  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration LEAF_VALIDITY = Duration.ofDays(365);
  // Certificates start slightly in the past so a peer with a lagging clock still accepts them.
  private static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final String CA_CERT_FILE = "ca.crt";
  private static final String CA_KEY_FILE = "ca.key";

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Clock clock;
  private final SecureRandom random;

  private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey, Clock clock) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.clock = clock;
    this.random = new SecureRandom();
  }

  /** A new self-signed CA named {@code name}, valid for ten years. */
  public static CertificateAuthority create(String name) {
    return create(name, Clock.systemUTC());
  }

  static CertificateAuthority create(String name, Clock clock) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("CA name must not be blank");
    }
    KeyPair keys = newKeyPair();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.CN, name)
        .addRDN(BCStyle.O, "qnode")
        .build();
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          subject, serial(new SecureRandom()), Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(CA_VALIDITY)), subject, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(b, keys.getPrivate());
      return new CertificateAuthority(cert, keys.getPrivate(), clock);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create CA certificate: " + e.getMessage(), e);
    }
  }

  /** Issues a one-year certificate for {@code id} in {@code role}, with a fresh key pair. */
  public Identity issue(Role role, String id) {
    return issue(role, id, java.util.List.of());
  }

  /**
   * As {@link #issue(Role, String)}; a station's certificate also names {@code hosts} (IP
   * addresses or DNS names where it is reached, beside localhost and 127.0.0.1), so that host
   * name verification passes on its real address.
   */
  public Identity issue(Role role, String id, java.util.List<String> hosts) {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(hosts, "hosts");
    Ids.check(role.ou() + " id", id);
    KeyPair keys = newKeyPair();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.CN, id)
        .addRDN(BCStyle.OU, role.ou())
        .addRDN(BCStyle.O, "qnode")
        .build();
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          certificate, serial(random), Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(LEAF_VALIDITY)), subject, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      // Every party both serves and dials (stations peer with stations), so both purposes.
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
          new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(keys.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          ext.createAuthorityKeyIdentifier(certificate));
      if (role == Role.STATION) {
        // Development stations all listen on loopback; hostname verification must pass there.
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>(java.util.List.of("localhost", "127.0.0.1"));
        names.addAll(hosts);
        java.util.List<GeneralName> san = new java.util.ArrayList<>();
        for (String h : names) {
          san.add(isIpLiteral(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(GeneralName[]::new)));
      }
      return new Identity(sign(b, privateKey), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue certificate for " + id + ": " + e.getMessage(),
          e);
    }
  }

  /** The CA's self-signed certificate: what every party trusts. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** Writes {@code ca.crt} and {@code ca.key} (owner-only permissions) into {@code dir}. */
  public void writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    Pem.writeCertificate(dir.resolve(CA_CERT_FILE), certificate);
    Pem.writePrivateKey(dir.resolve(CA_KEY_FILE), privateKey);
  }

  /** Loads a CA written by {@link #writeTo}. */
  public static CertificateAuthority load(Path dir) throws IOException {
    Identity id = Pem.readIdentity(dir.resolve(CA_CERT_FILE), dir.resolve(CA_KEY_FILE));
    if (id.certificate().getBasicConstraints() < 0) {
      throw new IOException(dir.resolve(CA_CERT_FILE) + ": not a CA certificate");
    }
    return new CertificateAuthority(id.certificate(), id.privateKey(), Clock.systemUTC());
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + "]";
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is not available in this JDK", e);
    }
  }

  /** Positive, 127 random bits: unpredictable serials as the CA/B baseline asks. */
  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).setBit(126);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
      X509CertificateHolder holder = b.build(signer);
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with " + SIGNATURE_ALGORITHM, e);
    }
  }

  /** A dotted IPv4 or an IPv6 literal (no name lookup). */
  static boolean isIpLiteral(String h) {
    return h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (h.contains(":") && h.matches("[0-9a-fA-F:.]+"));
  }
}
