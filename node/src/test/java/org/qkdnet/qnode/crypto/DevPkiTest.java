package org.qkdnet.qnode.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevPkiTest {
  @Test
  void writeAll_validIds_writesChainedCertificates(@TempDir Path out) throws Exception {
    DevPki.writeAll(out, List.of("WUH", "XGN"), List.of("WUH-BANK"), List.of("admin"));

    X509Certificate ca = Pem.readCertificate(out.resolve("ca.crt"));
    Pem.readPrivateKey(out.resolve("ca.key"));
    for (String s : List.of("WUH", "XGN")) {
      Identity id = Pem.readIdentity(out.resolve("stations/" + s + ".crt"),
          out.resolve("stations/" + s + ".key"));
      id.certificate().verify(ca.getPublicKey());
      assertThat(PeerIdentity.of(id.certificate())).contains(new PeerIdentity(Role.STATION, s));
    }
    Identity sae = Pem.readIdentity(out.resolve("saes/WUH-BANK.crt"),
        out.resolve("saes/WUH-BANK.key"));
    assertThat(PeerIdentity.of(sae.certificate())).contains(new PeerIdentity(Role.SAE, "WUH-BANK"));
    Identity op = Pem.readIdentity(out.resolve("operators/admin.crt"),
        out.resolve("operators/admin.key"));
    op.certificate().verify(ca.getPublicKey());
  }

  @Test
  void writeAll_invalidId_writesNothing(@TempDir Path tmp) {
    Path out = tmp.resolve("pki");
    assertThatThrownBy(() -> DevPki.writeAll(out, List.of("WUH"), List.of("../evil"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SAE id '../evil'");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void writeAll_duplicateId_isRejected(@TempDir Path tmp) {
    Path out = tmp.resolve("pki");
    assertThatThrownBy(() -> DevPki.writeAll(out, List.of("WUH", "wuh"), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate station id");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void writeAll_tooLongId_isRejected(@TempDir Path tmp) {
    String longId = "a".repeat(65);
    assertThatThrownBy(() -> DevPki.writeAll(tmp, List.of(), List.of(), List.of(longId)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("operator name");
  }
}
