package org.qkdnet.qnode.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM sealing of stored records: {@code version || nonce || ciphertext || tag}, with a
 * fresh random 96-bit nonce per record and the record's identity (its store key) as associated
 * data, so a sealed value moved to another record does not open.
 *
 * <p>Random nonces under one key stay below a 2^-32 collision chance for 2^32 records (NIST SP
 * 800-38D §8.3); a station writes far fewer records per data key over its life.
 *
 * <p>The cipher is the JDK's AES-GCM, whose AES and GHASH run on the CPU's AES-NI and carry-less
 * multiply instructions; Bouncy Castle's pure-Java AES engine, used here before, was the largest
 * CPU cost on the relay path (issue 11; {@code RecordCipherBenchmark} measures both side by side).
 * The format is the same standard GCM, so records sealed by either open with the other
 * ({@code RecordCipherTest}).
 */
public final class RecordCipher implements AutoCloseable {
  public static final int KEY_BYTES = 32;
  static final byte VERSION = 1;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  /** Bytes a sealed record has beyond its plaintext. */
  public static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final String TRANSFORMATION = "AES/GCM/NoPadding";

  private final byte[] key;
  private final SecretKey dataKey;
  private volatile boolean closed;

  private RecordCipher(byte[] key) {
    this.key = key;
    this.dataKey = new DataKey(key);
  }

  /**
   * The data key as the JDK's cipher reads it: a fresh copy per use (the provider wipes its copy
   * after expanding it), so {@link #close} wiping {@code key} leaves no long-lived copy behind, as a
   * {@code SecretKeySpec} would.
   */
  private static final class DataKey implements SecretKey {
    private static final long serialVersionUID = 1L;
    private final transient byte[] key;

    DataKey(byte[] key) {
      this.key = key;
    }

    @Override
    public String getAlgorithm() {
      return "AES";
    }

    @Override
    public String getFormat() {
      return "RAW";
    }

    @Override
    public byte[] getEncoded() {
      return key.clone();
    }
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
    byte[] out = new byte[OVERHEAD + plaintext.length];
    out[0] = VERSION;
    System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
    try {
      Cipher gcm = init(Cipher.ENCRYPT_MODE, nonce, aad);
      gcm.doFinal(plaintext, 0, plaintext.length, out, 1 + NONCE_BYTES);
    } catch (GeneralSecurityException e) {
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
    int ctLen = sealed.length - 1 - NONCE_BYTES;
    byte[] out = new byte[ctLen - TAG_BYTES];
    try {
      Cipher gcm = init(Cipher.DECRYPT_MODE, nonce, aad);
      gcm.doFinal(sealed, 1 + NONCE_BYTES, ctLen, out, 0);
      return out;
    } catch (AEADBadTagException e) {
      Arrays.fill(out, (byte) 0);
      throw new SealedRecordException("sealed record failed authentication (altered, moved or under another key)");
    } catch (GeneralSecurityException e) {
      Arrays.fill(out, (byte) 0);
      throw new IllegalStateException("AES-GCM opening failed", e);
    }
  }

  /** Plaintext length of a sealed value, without opening it. */
  public static int plaintextLength(int sealedLength) {
    return Math.max(0, sealedLength - OVERHEAD);
  }

  private Cipher init(int mode, byte[] nonce, byte[] aad) throws GeneralSecurityException {
    if (closed) {
      throw new IllegalStateException("record cipher closed");
    }
    Cipher gcm = Cipher.getInstance(TRANSFORMATION);
    gcm.init(mode, dataKey, new GCMParameterSpec(TAG_BYTES * 8, nonce));
    gcm.updateAAD(aad);
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
