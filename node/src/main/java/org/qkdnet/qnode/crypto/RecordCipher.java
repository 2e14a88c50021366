package org.qkdnet.qnode.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-256-GCM (Bouncy Castle) sealing of stored records: {@code version || nonce || ciphertext ||
 * tag}, with a fresh random 96-bit nonce per record and the record's identity (its store key) as
 * associated data, so a sealed value moved to another record does not open.
 *
 * <p>Random nonces under one key stay below a 2^-32 collision chance for 2^32 records (NIST SP
 * 800-38D §8.3); a station writes far fewer records per data key over its life.
 */
public final class RecordCipher implements AutoCloseable {
  public static final int KEY_BYTES = 32;
  static final byte VERSION = 1;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  /** Bytes a sealed record has beyond its plaintext. */
  public static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;
  private volatile boolean closed;

  private RecordCipher(byte[] key) {
    this.key = key;
  }

  /** A cipher under a copy of {@code key32} (32 bytes); the caller keeps its own copy. */
  public static RecordCipher of(KeyMaterial key32) {
    Objects.requireNonNull(key32, "key32");
    if (key32.length() != KEY_BYTES) {
      throw new IllegalArgumentException("AES-256 key must be " + KEY_BYTES + " bytes, got " + key32.length());
    }
    return new RecordCipher(key32.copyBytes());
  }

  /** A fresh random 256-bit key. */
  public static KeyMaterial newKey() {
    byte[] k = new byte[KEY_BYTES];
    RANDOM.nextBytes(k);
    return KeyMaterial.wrap(k);
  }

  public byte[] seal(byte[] aad, byte[] plaintext) {
    Objects.requireNonNull(aad, "aad");
    Objects.requireNonNull(plaintext, "plaintext");
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    GCMModeCipher gcm = init(true, nonce, aad);
    byte[] out = new byte[1 + NONCE_BYTES + gcm.getOutputSize(plaintext.length)];
    out[0] = VERSION;
    System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
    int n = gcm.processBytes(plaintext, 0, plaintext.length, out, 1 + NONCE_BYTES);
    try {
      gcm.doFinal(out, 1 + NONCE_BYTES + n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("AES-GCM sealing failed", e);
    }
    return out;
  }

  /**
   * The plaintext of a value {@link #seal}ed under the same key and {@code aad}; the caller owns
   * (and should clear) it.
   *
   * @throws SealedRecordException if the value is malformed, altered, sealed under another key or
   *     belongs to another record; no plaintext is released then
   */
  public byte[] open(byte[] aad, byte[] sealed) {
    Objects.requireNonNull(aad, "aad");
    Objects.requireNonNull(sealed, "sealed");
    if (sealed.length < OVERHEAD) {
      throw new SealedRecordException("sealed record too short (" + sealed.length + " bytes, at least "
          + OVERHEAD + ")");
    }
    if (sealed[0] != VERSION) {
      throw new SealedRecordException("sealed record of unknown version " + sealed[0]);
    }
    byte[] nonce = Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES);
    GCMModeCipher gcm = init(false, nonce, aad);
    int ctLen = sealed.length - 1 - NONCE_BYTES;
    byte[] out = new byte[gcm.getOutputSize(ctLen)];
    try {
      int n = gcm.processBytes(sealed, 1 + NONCE_BYTES, ctLen, out, 0);
      gcm.doFinal(out, n);
      return out;
    } catch (InvalidCipherTextException | IllegalStateException e) {
      Arrays.fill(out, (byte) 0);
      throw new SealedRecordException("sealed record failed authentication (altered, moved or under another key)");
    }
  }

  /** Plaintext length of a sealed value, without opening it. */
  public static int plaintextLength(int sealedLength) {
    return Math.max(0, sealedLength - OVERHEAD);
  }

  private GCMModeCipher init(boolean encrypt, byte[] nonce, byte[] aad) {
    if (closed) {
      throw new IllegalStateException("record cipher closed");
    }
    GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    KeyParameter k = new KeyParameter(key);
    try {
      gcm.init(encrypt, new AEADParameters(k, TAG_BYTES * 8, nonce, aad));
    } finally {
      Arrays.fill(k.getKey(), (byte) 0);
    }
    return gcm;
  }

  @Override
  public void close() {
    closed = true;
    Arrays.fill(key, (byte) 0);
  }

  /** A sealed value that does not open. */
  public static final class SealedRecordException extends RuntimeException {
    public SealedRecordException(String message) {
      super(message);
    }
  }
}
