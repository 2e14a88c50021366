package org.qkdnet.qnode.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordCipherTest {
  private static final byte[] AAD = "F\u0000\u0001A\u0000\u0001B".getBytes(StandardCharsets.ISO_8859_1);

  private static RecordCipher cipher() {
    try (KeyMaterial k = RecordCipher.newKey()) {
      return RecordCipher.of(k);
    }
  }

  @Test
  void sealThenOpen_givesThePlaintextBack_andHidesIt() {
    byte[] plain = new byte[100];
    new java.util.Random(1).nextBytes(plain);
    try (RecordCipher c = cipher()) {
      byte[] sealed = c.seal(AAD, plain);
      assertThat(sealed).hasSize(plain.length + RecordCipher.OVERHEAD);
      assertThat(RecordCipher.plaintextLength(sealed.length)).isEqualTo(plain.length);
      assertThat(indexOf(sealed, java.util.Arrays.copyOf(plain, 8))).isNegative();
      assertThat(c.open(AAD, sealed)).isEqualTo(plain);
    }
  }

  @Test
  void sameRecordTwice_getsFreshNonces() {
    try (RecordCipher c = cipher()) {
      byte[] plain = new byte[32];
      assertThat(c.seal(AAD, plain)).isNotEqualTo(c.seal(AAD, plain));
    }
  }

  @Test
  void anotherRecordsIdentity_anAlteredByte_orAnotherKey_doNotOpen() {
    byte[] plain = "pad bytes".getBytes(StandardCharsets.US_ASCII);
    try (RecordCipher c = cipher(); RecordCipher other = cipher()) {
      byte[] sealed = c.seal(AAD, plain);
      byte[] moved = AAD.clone();
      moved[moved.length - 1] = 'C';
      assertThatThrownBy(() -> c.open(moved, sealed)).isInstanceOf(RecordCipher.SealedRecordException.class)
          .hasMessageContaining("failed authentication");
      for (int i = 1; i < sealed.length; i++) {
        byte[] altered = sealed.clone();
        altered[i] ^= 1;
        assertThatThrownBy(() -> c.open(AAD, altered)).isInstanceOf(RecordCipher.SealedRecordException.class);
      }
      assertThatThrownBy(() -> other.open(AAD, sealed)).isInstanceOf(RecordCipher.SealedRecordException.class);
      assertThatThrownBy(() -> c.open(AAD, new byte[5])).hasMessageContaining("too short");
      byte[] version = sealed.clone();
      version[0] = 9;
      assertThatThrownBy(() -> c.open(AAD, version)).hasMessageContaining("unknown version 9");
    }
  }

  @Test
  void recordsSealedByBouncyCastle_open_andOursOpenWithBouncyCastle() {
    // stores written before the switch to the JDK's AES-GCM hold Bouncy Castle's output
    java.util.Random rnd = new java.util.Random(7);
    try (KeyMaterial k = RecordCipher.newKey(); RecordCipher c = RecordCipher.of(k)) {
      byte[] key = k.copyBytes();
      for (int len : new int[] {0, 1, 15, 16, 17, 100, 4096}) {
        byte[] plain = new byte[len];
        rnd.nextBytes(plain);
        byte[] nonce = new byte[RecordCipher.NONCE_BYTES];
        rnd.nextBytes(nonce);
        byte[] bc = BcRecordGcm.seal(key, nonce, AAD, plain);
        assertThat(c.open(AAD, bc)).as("len %d", len).isEqualTo(plain);
        byte[] ours = c.seal(AAD, plain);
        assertThat(BcRecordGcm.open(key, AAD, ours)).as("len %d", len).isEqualTo(plain);
        byte[] altered = ours.clone();
        altered[altered.length - 1] ^= 1;
        assertThat(BcRecordGcm.open(key, AAD, altered)).isNull();
      }
      java.util.Arrays.fill(key, (byte) 0);
    }
  }

  @Test
  void aClosedCipher_refusesToWork() {
    RecordCipher c = cipher();
    byte[] sealed = c.seal(AAD, new byte[8]);
    c.close();
    assertThatThrownBy(() -> c.open(AAD, sealed)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> c.seal(AAD, new byte[8])).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aKeyOfTheWrongSize_isRefused() {
    assertThatThrownBy(() -> RecordCipher.of(KeyMaterial.wrap(new byte[16])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
