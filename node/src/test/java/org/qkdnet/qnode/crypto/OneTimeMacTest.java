package org.qkdnet.qnode.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class OneTimeMacTest {
  private static final HexFormat HEX = HexFormat.of();
  // RFC 8439 §2.5.2
  private static final String KEY =
      "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b";
  private static final byte[] MESSAGE =
      "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
  private static final String TAG = "a8061dc1305136c6c22b8baf0c0127a9";

  private static KeyMaterial key() {
    return KeyMaterial.wrap(HEX.parseHex(KEY));
  }

  @Test
  void tag_rfc8439Vector_matches() {
    assertThat(HEX.formatHex(OneTimeMac.tag(key(), MESSAGE))).isEqualTo(TAG);
  }

  @Test
  void tag_splitParts_equalsTagOfConcatenation() {
    byte[] a = Arrays.copyOfRange(MESSAGE, 0, 5);
    byte[] b = Arrays.copyOfRange(MESSAGE, 5, 21);
    byte[] c = Arrays.copyOfRange(MESSAGE, 21, MESSAGE.length);
    assertThat(HEX.formatHex(OneTimeMac.tag(key(), a, new byte[0], b, c))).isEqualTo(TAG);
  }

  @Test
  void verify_correctTag_succeeds() {
    assertThat(OneTimeMac.verify(key(), HEX.parseHex(TAG), MESSAGE)).isTrue();
  }

  @Test
  void verify_tamperedMessage_fails() {
    byte[] m = MESSAGE.clone();
    m[3] ^= 0x01;
    assertThat(OneTimeMac.verify(key(), HEX.parseHex(TAG), m)).isFalse();
  }

  @Test
  void verify_tamperedTag_fails() {
    byte[] t = HEX.parseHex(TAG);
    t[15] ^= (byte) 0x80;
    assertThat(OneTimeMac.verify(key(), t, MESSAGE)).isFalse();
  }

  @Test
  void verify_truncatedTag_fails() {
    byte[] t = Arrays.copyOf(HEX.parseHex(TAG), 15);
    assertThat(OneTimeMac.verify(key(), t, MESSAGE)).isFalse();
  }

  @Test
  void verify_otherKey_fails() {
    byte[] k = HEX.parseHex(KEY);
    k[31] ^= 0x01;
    assertThat(OneTimeMac.verify(KeyMaterial.wrap(k), HEX.parseHex(TAG), MESSAGE)).isFalse();
  }

  @Test
  void tag_wrongKeyLength_isRejected() {
    assertThatThrownBy(() -> OneTimeMac.tag(KeyMaterial.wrap(new byte[16]), MESSAGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes, got 16");
    assertThatThrownBy(() -> OneTimeMac.verify(KeyMaterial.wrap(new byte[33]), new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tag_doesNotConsumeOrChangeKey() {
    KeyMaterial k = key();
    OneTimeMac.tag(k, MESSAGE);
    assertThat(k.contentEquals(key())).isTrue();
  }
}
