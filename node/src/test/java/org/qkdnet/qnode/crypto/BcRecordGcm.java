package org.qkdnet.qnode.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The record format of {@link RecordCipher} done with Bouncy Castle's AES-GCM, as the store sealed
 * records before issue 11: the reference that proves the two interoperate (records written before
 * the switch still open) and the "before" of {@code RecordCipherBenchmark}.
 */
public final class BcRecordGcm {
  private BcRecordGcm() {}

  public static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
    GCMModeCipher gcm = init(true, key, nonce, aad);
    byte[] out = new byte[1 + RecordCipher.NONCE_BYTES + gcm.getOutputSize(plaintext.length)];
    out[0] = RecordCipher.VERSION;
    System.arraycopy(nonce, 0, out, 1, RecordCipher.NONCE_BYTES);
    int n = gcm.processBytes(plaintext, 0, plaintext.length, out, 1 + RecordCipher.NONCE_BYTES);
    try {
      gcm.doFinal(out, 1 + RecordCipher.NONCE_BYTES + n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** The plaintext, or null when the record does not authenticate. */
  public static byte[] open(byte[] key, byte[] aad, byte[] sealed) {
    byte[] nonce = Arrays.copyOfRange(sealed, 1, 1 + RecordCipher.NONCE_BYTES);
    GCMModeCipher gcm = init(false, key, nonce, aad);
    int ctLen = sealed.length - 1 - RecordCipher.NONCE_BYTES;
    byte[] out = new byte[gcm.getOutputSize(ctLen)];
    try {
      int n = gcm.processBytes(sealed, 1 + RecordCipher.NONCE_BYTES, ctLen, out, 0);
      gcm.doFinal(out, n);
      return out;
    } catch (InvalidCipherTextException e) {
      return null;
    }
  }

  private static GCMModeCipher init(boolean encrypt, byte[] key, byte[] nonce, byte[] aad) {
    GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    gcm.init(encrypt, new AEADParameters(new KeyParameter(key), RecordCipher.TAG_BYTES * 8, nonce, aad));
    return gcm;
  }
}
