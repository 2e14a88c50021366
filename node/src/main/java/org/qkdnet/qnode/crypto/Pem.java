package org.qkdnet.qnode.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PEM files for certificates and PKCS#8 private keys. Every error names the file and what is
 * wrong with it, never any key content.
 */
public final class Pem {
  private static final Base64.Encoder BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {}

  public static void writeCertificate(Path file, X509Certificate cert) throws IOException {
    try {
      Files.write(file, pem("CERTIFICATE", cert.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IOException(file + ": cannot encode certificate", e);
    }
  }

  /**
   * Writes {@code key} as an unencrypted PKCS#8 PEM, readable by the owner only where the file
   * system has POSIX permissions. The file is created with those permissions, so the key is
   * never readable by others even briefly.
   */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    byte[] der = key.getEncoded();
    if (der == null || !"PKCS#8".equals(key.getFormat())) {
      throw new IOException(file + ": private key is not exportable as PKCS#8");
    }
    byte[] pem = pem("PRIVATE KEY", der);
    try {
      Files.deleteIfExists(file);
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------")));
      }
      Files.write(file, pem, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    } finally {
      Arrays.fill(der, (byte) 0);
      Arrays.fill(pem, (byte) 0);
    }
  }

  public static X509Certificate readCertificate(Path file) throws IOException {
    Object o = readSingle(file, "certificate");
    if (!(o instanceof X509CertificateHolder holder)) {
      throw new IOException(file + ": expected a CERTIFICATE, found " + describe(o));
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IOException(file + ": invalid certificate: " + e.getMessage(), e);
    }
  }

  /** Reads a PKCS#8 ({@code PRIVATE KEY}) or OpenSSL traditional ({@code EC PRIVATE KEY}) key. */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    Object o = readSingle(file, "private key");
    PrivateKeyInfo info;
    if (o instanceof PrivateKeyInfo pki) {
      info = pki;
    } else if (o instanceof PEMKeyPair pair) {
      info = pair.getPrivateKeyInfo();
    } else {
      throw new IOException(file + ": expected an unencrypted PRIVATE KEY, found " + describe(o));
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException e) {
      // The converter's message can mention algorithm details; keep only the file and the fact.
      throw new IOException(file + ": unsupported or malformed private key", e);
    }
  }

  /** A certificate and its key; fails if the key does not belong to the certificate. */
  public static Identity readIdentity(Path crt, Path key) throws IOException {
    X509Certificate cert = readCertificate(crt);
    PrivateKey pk = readPrivateKey(key);
    if (!keyMatches(cert, pk)) {
      throw new IOException(key + ": private key does not match the certificate in " + crt);
    }
    return new Identity(cert, pk);
  }

  private static Object readSingle(Path file, String what) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readAllBytes();
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": " + what + " file not found", e);
    } catch (AccessDeniedException e) {
      throw new IOException(file + ": permission denied reading " + what, e);
    }
    Object o;
    try (Reader r = new InputStreamReader(new ByteArrayInputStream(bytes),
            StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      o = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + ": malformed PEM " + what, e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
    if (o == null) {
      throw new IOException(file + ": no PEM " + what + " found");
    }
    return o;
  }

  private static String describe(Object o) {
    if (o instanceof X509CertificateHolder) {
      return "a CERTIFICATE";
    }
    if (o instanceof PrivateKeyInfo || o instanceof PEMKeyPair) {
      return "a PRIVATE KEY";
    }
    return "a PEM object of type " + o.getClass().getSimpleName();
  }

  private static byte[] pem(String type, byte[] der) {
    byte[] body = BASE64.encode(der);
    byte[] head = ("-----BEGIN " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    byte[] tail = ("\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + body.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    System.arraycopy(tail, 0, out, head.length + body.length, tail.length);
    Arrays.fill(body, (byte) 0);
    return out;
  }

  /** Proves possession instead of comparing key parameters, so it works for any algorithm. */
  private static boolean keyMatches(X509Certificate cert, PrivateKey key) {
    String alg = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (alg == null) {
      return cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm());
    }
    try {
      byte[] challenge = "qnode key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(challenge);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(challenge);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
