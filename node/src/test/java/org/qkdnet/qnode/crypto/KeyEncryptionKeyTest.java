package org.qkdnet.qnode.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyEncryptionKeyTest {
  @TempDir Path dir;

  @Test
  void created_withOwnerOnlyMode_loads_andIsNeverOverwritten() throws Exception {
    Path f = dir.resolve("stations/A.kek");
    assertThat(KeyEncryptionKey.createIfAbsent(f)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    String first = Files.readString(f);
    assertThat(first).startsWith("qnode-kek-v1 ").hasSize("qnode-kek-v1 ".length() + 64 + 1);
    assertThat(KeyEncryptionKey.createIfAbsent(f)).as("second call").isFalse();
    assertThat(Files.readString(f)).isEqualTo(first);
    try (KeyEncryptionKey k = KeyEncryptionKey.load(f); RecordCipher c = k.cipher();
        KeyEncryptionKey again = KeyEncryptionKey.load(f); RecordCipher c2 = again.cipher()) {
      byte[] aad = {1};
      assertThat(c2.open(aad, c.seal(aad, new byte[] {42}))).containsExactly(42);
      assertThat(k.toString()).doesNotContain(first.substring(13, 29));
    }
  }

  @Test
  void missing_namesTheFileAndHowToGetOne() {
    Path f = dir.resolve("nope.kek");
    assertThatThrownBy(() -> KeyEncryptionKey.load(f)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("not found").hasMessageContaining("qnode certs");
  }

  @Test
  void readableByOthers_isRefused() throws Exception {
    Path f = dir.resolve("A.kek");
    KeyEncryptionKey.createIfAbsent(f);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KeyEncryptionKey.load(f)).hasMessageContaining("rw-r--r--")
        .hasMessageContaining("chmod 600");
  }

  @Test
  void notAKek_isRefused() throws Exception {
    for (String text : new String[] {"", "hello\n", "qnode-kek-v1 " + "zz".repeat(32) + "\n",
        "qnode-kek-v1 " + "ab".repeat(31) + "\n"}) {
      Path f = dir.resolve("bad.kek");
      Files.deleteIfExists(f);
      Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(f, text);
      assertThatThrownBy(() -> KeyEncryptionKey.load(f)).as(text).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a qnode KEK");
    }
  }
}
