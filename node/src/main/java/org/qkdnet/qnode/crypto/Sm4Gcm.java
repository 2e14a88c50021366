package org.qkdnet.qnode.crypto;

import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * SM4 (GB/T 32907-2016) in GCM mode with a 128-bit tag. The output is {@code ciphertext || tag}.
 *
 * <p>A (key, nonce) pair must never be reused: GCM then leaks the XOR of plaintexts and lets an
 * attacker forge tags.
 */
public final class Sm4Gcm {
  public static final int KEY_BYTES = 16;
  public static final int NONCE_BYTES = 12;
  public static final int TAG_BYTES = 16;
  static final int BLOCK_BYTES = 16;
  private static final byte[] NO_AAD = new byte[0];

  private Sm4Gcm() {}

  public static byte[] encrypt(KeyMaterial key16, byte[] nonce12, byte[] plaintext, byte[] aad) {
    Objects.requireNonNull(plaintext, "plaintext");
    GCMModeCipher gcm = init(true, key16, nonce12, aad);
    byte[] out = new byte[gcm.getOutputSize(plaintext.length)];
    int n = gcm.processBytes(plaintext, 0, plaintext.length, out, 0);
    try {
      gcm.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("SM4-GCM encryption failed", e);
    }
    return out;
  }

  /**
   * Decrypts {@code ciphertext || tag}.
   *
   * @throws AEADBadTagException if the tag does not match (wrong key, nonce, AAD, or tampering);
   *     no plaintext is released in that case
   */
  public static byte[] decrypt(KeyMaterial key16, byte[] nonce12, byte[] ciphertext, byte[] aad)
      throws AEADBadTagException {
    Objects.requireNonNull(ciphertext, "ciphertext");
    if (ciphertext.length < TAG_BYTES) {
      throw new AEADBadTagException("SM4-GCM ciphertext shorter than its " + TAG_BYTES
          + "-byte tag (" + ciphertext.length + " bytes)");
    }
    GCMModeCipher gcm = init(false, key16, nonce12, aad);
    byte[] out = new byte[gcm.getOutputSize(ciphertext.length)];
    try {
      int n = gcm.processBytes(ciphertext, 0, ciphertext.length, out, 0);
      gcm.doFinal(out, n);
      return out;
    } catch (InvalidCipherTextException e) {
      Arrays.fill(out, (byte) 0);
      throw new AEADBadTagException("SM4-GCM authentication failed: tag mismatch");
    }
  }

  /** One raw SM4 block encryption, for checking the cipher against the standard's vector. */
  static byte[] encryptBlockEcb(KeyMaterial key16, byte[] block16) {
    if (block16.length != BLOCK_BYTES) {
      throw new IllegalArgumentException("SM4 block must be 16 bytes, got " + block16.length);
    }
    SM4Engine engine = new SM4Engine();
    KeyParameter key = keyParameter(key16);
    engine.init(true, key);
    Arrays.fill(key.getKey(), (byte) 0);
    byte[] out = new byte[BLOCK_BYTES];
    engine.processBlock(block16, 0, out, 0);
    return out;
  }

  private static GCMModeCipher init(boolean encrypt, KeyMaterial key16, byte[] nonce12,
      byte[] aad) {
    Objects.requireNonNull(nonce12, "nonce12");
    if (nonce12.length != NONCE_BYTES) {
      throw new IllegalArgumentException(
          "SM4-GCM nonce must be " + NONCE_BYTES + " bytes, got " + nonce12.length);
    }
    GCMModeCipher gcm = GCMBlockCipher.newInstance(new SM4Engine());
    KeyParameter key = keyParameter(key16);
    try {
      gcm.init(encrypt, new AEADParameters(key, TAG_BYTES * 8, nonce12.clone(),
          aad == null ? NO_AAD : aad.clone()));
    } finally {
      // The engine has expanded its round keys; the raw copy is no longer needed.
      Arrays.fill(key.getKey(), (byte) 0);
    }
    return gcm;
  }

  private static KeyParameter keyParameter(KeyMaterial key16) {
    Objects.requireNonNull(key16, "key16");
    if (key16.length() != KEY_BYTES) {
      throw new IllegalArgumentException(
          "SM4 key must be " + KEY_BYTES + " bytes, got " + key16.length());
    }
    byte[] raw = key16.copyBytes();
    KeyParameter p = new KeyParameter(raw);
    Arrays.fill(raw, (byte) 0);
    return p;
  }
}
