package org.qkdnet.qnode.crypto;

/**
 * The key-encryption key of test stores: fixed, so a store written by one test process (a
 * crashing child) opens in another. Never a station's real KEK.
 */
public final class TestKek {
  private static final byte[] FIXED = new byte[RecordCipher.KEY_BYTES];

  static {
    for (int i = 0; i < FIXED.length; i++) {
      FIXED[i] = (byte) (0xA5 ^ i);
    }
  }

  private TestKek() {}

  /** A fresh instance each call (closing it does not affect other callers). */
  public static KeyEncryptionKey kek() {
    return KeyEncryptionKey.fromBytes("test KEK", FIXED.clone());
  }
}
