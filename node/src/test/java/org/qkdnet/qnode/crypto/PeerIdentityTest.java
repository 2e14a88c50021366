package org.qkdnet.qnode.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PeerIdentityTest {
  private static final CertificateAuthority CA = CertificateAuthority.create("peer CA");

  @Test
  void of_issuedCertificates_giveRoleAndId() {
    assertThat(PeerIdentity.of(CA.issue(Role.STATION, "WUH").certificate()))
        .contains(new PeerIdentity(Role.STATION, "WUH"));
    assertThat(PeerIdentity.of(CA.issue(Role.OPERATOR, "alice").certificate()))
        .contains(new PeerIdentity(Role.OPERATOR, "alice"));
  }

  @Test
  void of_caCertificate_isEmpty() {
    // The CA's subject has no OU: it is nobody's peer identity.
    assertThat(PeerIdentity.of(CA.certificate())).isEmpty();
  }

  @Test
  void new_invalidId_isRejected() {
    assertThatThrownBy(() -> new PeerIdentity(Role.SAE, "a/b"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
