package org.qkdnet.qnode.crypto;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Who is on the other end of an authenticated connection, read from its certificate subject. */
public record PeerIdentity(Role role, String id) {
  public PeerIdentity {
    Objects.requireNonNull(role, "role");
    Ids.check(role.ou() + " id", id);
  }

  /**
   * The role and id in {@code cert}'s subject, or empty if the subject is not one we issue
   * (missing, repeated or multi-valued OU/CN, unknown OU, or an id outside the allowed alphabet).
   * Only meaningful after the chain has been verified against our CA (the TLS handshake does it).
   */
  public static Optional<PeerIdentity> of(X509Certificate cert) {
    X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    Optional<String> ou = single(subject, BCStyle.OU);
    Optional<String> cn = single(subject, BCStyle.CN);
    if (ou.isEmpty() || cn.isEmpty()) {
      return Optional.empty();
    }
    Optional<Role> role = Role.fromOu(ou.get());
    if (role.isEmpty() || !Ids.isValid(cn.get())) {
      return Optional.empty();
    }
    return Optional.of(new PeerIdentity(role.get(), cn.get()));
  }

  /**
   * The identity in the peer certificate of a TLS session (its chain already verified by the
   * handshake), or empty without a session, a certificate or a subject we issue.
   */
  public static Optional<PeerIdentity> ofSession(javax.net.ssl.SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      java.security.cert.Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
        return Optional.empty();
      }
      return of(cert);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> single(X500Name name, ASN1ObjectIdentifier type) {
    RDN[] rdns = name.getRDNs(type);
    if (rdns.length != 1 || rdns[0].isMultiValued()) {
      return Optional.empty();
    }
    ASN1Encodable value = rdns[0].getFirst().getValue();
    return value instanceof ASN1String str ? Optional.of(str.getString()) : Optional.empty();
  }
}
