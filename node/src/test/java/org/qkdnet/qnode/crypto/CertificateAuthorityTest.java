package org.qkdnet.qnode.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final CertificateAuthority CA = CertificateAuthority.create("test CA");

  @Test
  void create_selfSigned_isCaValidForTenYears() throws Exception {
    X509Certificate ca = CA.certificate();
    ca.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(ca.getSigAlgName()).isEqualToIgnoringCase("SHA256withECDSA");
    Duration validity = Duration.between(ca.getNotBefore().toInstant(),
        ca.getNotAfter().toInstant());
    assertThat(validity).isGreaterThan(Duration.ofDays(3649));
  }

  @Test
  void issue_station_hasLoopbackSanAndBothKeyUsages() throws Exception {
    Identity id = CA.issue(Role.STATION, "WUH");
    X509Certificate cert = id.certificate();
    cert.verify(CA.certificate().getPublicKey());
    cert.checkValidity();
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getSubjectAlternativeNames())
        .contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    assertThat(id.privateKey().getAlgorithm()).isEqualTo("EC");
    Duration validity = Duration.between(cert.getNotBefore().toInstant(),
        cert.getNotAfter().toInstant());
    assertThat(validity).isBetween(Duration.ofDays(365), Duration.ofDays(366));
  }

  @Test
  void issue_sae_hasNoSanAndRoleInSubject() throws Exception {
    Identity id = CA.issue(Role.SAE, "WUH-BANK");
    assertThat(id.certificate().getSubjectAlternativeNames()).isNull();
    assertThat(PeerIdentity.of(id.certificate())).contains(new PeerIdentity(Role.SAE, "WUH-BANK"));
  }

  @Test
  void issue_invalidId_isRejected() {
    assertThatThrownBy(() -> CA.issue(Role.STATION, "WUH,OU=operator"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("station id");
    assertThatThrownBy(() -> CA.issue(Role.SAE, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void issue_byOtherCa_failsVerification() {
    Identity id = CertificateAuthority.create("other").issue(Role.STATION, "WUH");
    assertThatThrownBy(() -> id.certificate().verify(CA.certificate().getPublicKey()))
        .isInstanceOf(SignatureException.class);
  }

  @Test
  void writeToAndLoad_roundTrip_issuesVerifiableCertificates(@TempDir Path dir) throws Exception {
    CA.writeTo(dir);
    CertificateAuthority loaded = CertificateAuthority.load(dir);
    assertThat(loaded.certificate()).isEqualTo(CA.certificate());
    loaded.issue(Role.OPERATOR, "admin").certificate().verify(CA.certificate().getPublicKey());
  }

  @Test
  void identity_toString_showsSubjectOnly() {
    Identity id = CA.issue(Role.OPERATOR, "admin");
    assertThat(id.toString()).contains("CN=admin").doesNotContain("Private");
  }
}
