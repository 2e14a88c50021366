package org.qkdnet.qnode.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

class Sm4GcmTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String KEY = "0123456789abcdeffedcba9876543210";
  private static final byte[] NONCE = HEX.parseHex("00112233445566778899aabb");
  private static final byte[] AAD = "header".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PLAIN = "relay me, one time".getBytes(StandardCharsets.US_ASCII);

  private static KeyMaterial key() {
    return KeyMaterial.wrap(HEX.parseHex(KEY));
  }

  @Test
  void encryptBlockEcb_gbt32907Vector_matches() {
    byte[] out = Sm4Gcm.encryptBlockEcb(key(), HEX.parseHex(KEY));
    assertThat(HEX.formatHex(out)).isEqualTo("681edf34d206965e86b3e94f536e4246");
  }

  @Test
  void decrypt_ofEncrypt_roundTrips() throws Exception {
    byte[] ct = Sm4Gcm.encrypt(key(), NONCE, PLAIN, AAD);
    assertThat(ct).hasSize(PLAIN.length + Sm4Gcm.TAG_BYTES);
    assertThat(Sm4Gcm.decrypt(key(), NONCE, ct, AAD)).isEqualTo(PLAIN);
  }

  @Test
  void decrypt_emptyPlaintextNullAad_roundTrips() throws Exception {
    byte[] ct = Sm4Gcm.encrypt(key(), NONCE, new byte[0], null);
    assertThat(ct).hasSize(Sm4Gcm.TAG_BYTES);
    assertThat(Sm4Gcm.decrypt(key(), NONCE, ct, null)).isEmpty();
  }

  @Test
  void decrypt_tamperedCiphertext_fails() {
    byte[] ct = Sm4Gcm.encrypt(key(), NONCE, PLAIN, AAD);
    ct[0] ^= 0x01;
    assertThatThrownBy(() -> Sm4Gcm.decrypt(key(), NONCE, ct, AAD))
        .isInstanceOf(AEADBadTagException.class)
        .hasMessageContaining("tag mismatch");
  }

  @Test
  void decrypt_tamperedTag_fails() {
    byte[] ct = Sm4Gcm.encrypt(key(), NONCE, PLAIN, AAD);
    ct[ct.length - 1] ^= 0x01;
    assertThatThrownBy(() -> Sm4Gcm.decrypt(key(), NONCE, ct, AAD))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void decrypt_otherAad_fails() {
    byte[] ct = Sm4Gcm.encrypt(key(), NONCE, PLAIN, AAD);
    assertThatThrownBy(() -> Sm4Gcm.decrypt(key(), NONCE, ct, new byte[] {1}))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void decrypt_truncated_fails() {
    assertThatThrownBy(() -> Sm4Gcm.decrypt(key(), NONCE, new byte[15], AAD))
        .isInstanceOf(AEADBadTagException.class)
        .hasMessageContaining("shorter");
  }

  @Test
  void encrypt_badKeyOrNonceLength_isRejected() {
    assertThatThrownBy(() -> Sm4Gcm.encrypt(KeyMaterial.wrap(new byte[32]), NONCE, PLAIN, AAD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes, got 32");
    assertThatThrownBy(() -> Sm4Gcm.encrypt(key(), new byte[16], PLAIN, AAD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nonce");
  }
}
