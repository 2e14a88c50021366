package org.qkdnet.qnode.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  private static final CertificateAuthority CA = CertificateAuthority.create("pem CA");

  @Test
  void writeAndRead_identity_roundTrips(@TempDir Path dir) throws Exception {
    Identity id = CA.issue(Role.STATION, "WUH");
    Path crt = dir.resolve("WUH.crt");
    Path key = dir.resolve("WUH.key");
    Pem.writeCertificate(crt, id.certificate());
    Pem.writePrivateKey(key, id.privateKey());

    Identity read = Pem.readIdentity(crt, key);
    assertThat(read.certificate()).isEqualTo(id.certificate());
    assertThat(read.privateKey().getEncoded()).isEqualTo(id.privateKey().getEncoded());
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Files.readString(crt)).startsWith("-----BEGIN CERTIFICATE-----\n");
  }

  @Test
  void writePrivateKey_posix_isOwnerOnly(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("k.key");
    Files.writeString(key, "old");
    Pem.writePrivateKey(key, CA.issue(Role.SAE, "S").privateKey());
    if (key.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
          .isEqualTo("rw-------");
    }
    assertThat(Pem.readPrivateKey(key).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void readIdentity_mismatchedKey_fails(@TempDir Path dir) throws Exception {
    Path crt = dir.resolve("a.crt");
    Path key = dir.resolve("b.key");
    Pem.writeCertificate(crt, CA.issue(Role.SAE, "A").certificate());
    Pem.writePrivateKey(key, CA.issue(Role.SAE, "B").privateKey());
    assertThatThrownBy(() -> Pem.readIdentity(crt, key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(key.toString())
        .hasMessageContaining("does not match");
  }

  @Test
  void readCertificate_missingFile_namesFile(@TempDir Path dir) {
    Path crt = dir.resolve("nope.crt");
    assertThatThrownBy(() -> Pem.readCertificate(crt))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(crt.toString())
        .hasMessageContaining("not found");
  }

  @Test
  void readCertificate_keyFile_namesWrongType(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("x.key");
    Pem.writePrivateKey(key, CA.issue(Role.SAE, "X").privateKey());
    assertThatThrownBy(() -> Pem.readCertificate(key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(key.toString())
        .hasMessageContaining("expected a CERTIFICATE, found a PRIVATE KEY");
  }

  @Test
  void readPrivateKey_garbage_failsWithoutContent(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("bad.key");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nc2VjcmV0!!!\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Pem.readPrivateKey(key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(key.toString())
        .hasMessageNotContaining("c2VjcmV0");
  }

  @Test
  void readPrivateKey_emptyFile_fails(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("empty.key");
    Files.writeString(key, "");
    assertThatThrownBy(() -> Pem.readPrivateKey(key))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no PEM private key");
  }

  @Test
  void readPrivateKey_readsBackSameKey(@TempDir Path dir) throws Exception {
    PrivateKey pk = CA.issue(Role.OPERATOR, "op").privateKey();
    Path key = dir.resolve("op.key");
    Pem.writePrivateKey(key, pk);
    assertThat(Pem.readPrivateKey(key)).isEqualTo(pk);
  }
}
