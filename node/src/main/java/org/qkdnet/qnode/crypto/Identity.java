package org.qkdnet.qnode.crypto;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A certificate and its private key: what a TLS endpoint presents. */
public record Identity(X509Certificate certificate, PrivateKey privateKey) {
  public Identity {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    String certAlg = certificate.getPublicKey().getAlgorithm();
    if (!certAlg.equals(privateKey.getAlgorithm())) {
      throw new IllegalArgumentException(
          "private key algorithm " + privateKey.getAlgorithm()
              + " does not match certificate key algorithm " + certAlg);
    }
  }

  /** Never delegates to the private key's toString: some providers print key parameters. */
  @Override
  public String toString() {
    return "Identity[" + certificate.getSubjectX500Principal().getName() + "]";
  }
}
