package org.qkdnet.qnode.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Secret key bytes: pad, relayed keys, delivered keys. The only type that may hold them.
 *
 * <p>Never prints its content ({@link #toString} shows the length only), compares in constant
 * time, and can be zeroized. Callers that need the raw bytes (to XOR, MAC, or hand to an SAE)
 * get a copy through {@link #copyBytes()} and are responsible for clearing it.
 */
public final class KeyMaterial implements AutoCloseable {
  private final byte[] bytes;
  private volatile boolean destroyed;

  private KeyMaterial(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Takes ownership of {@code bytes}: the caller must not keep or change the array. */
  public static KeyMaterial wrap(byte[] bytes) {
    return new KeyMaterial(Objects.requireNonNull(bytes, "bytes"));
  }

  /** Copies {@code len} bytes of {@code src} from {@code off}; the caller keeps its array. */
  public static KeyMaterial copyOf(byte[] src, int off, int len) {
    Objects.checkFromIndexSize(off, len, src.length);
    return new KeyMaterial(Arrays.copyOfRange(src, off, off + len));
  }

  public static KeyMaterial copyOf(byte[] src) {
    return copyOf(src, 0, src.length);
  }

  public int length() {
    return bytes.length;
  }

  /** A fresh copy of the secret bytes; clear it with {@code Arrays.fill(b, (byte) 0)} after use. */
  public byte[] copyBytes() {
    checkAlive();
    return bytes.clone();
  }

  /** A new key holding bytes {@code [off, off+len)} of this one. */
  public KeyMaterial slice(int off, int len) {
    checkAlive();
    return copyOf(bytes, off, len);
  }

  /** This key XOR {@code other} (equal lengths), as a new key. */
  public KeyMaterial xor(KeyMaterial other) {
    checkAlive();
    other.checkAlive();
    if (other.bytes.length != bytes.length) {
      throw new IllegalArgumentException(
          "xor of keys of different lengths: " + bytes.length + " and " + other.bytes.length);
    }
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (bytes[i] ^ other.bytes[i]);
    }
    return new KeyMaterial(out);
  }

  /** XOR of this key with public bytes (ciphertext), as a new key. */
  public KeyMaterial xor(byte[] data) {
    return xor(wrap(data.clone()));
  }

  /** Concatenation of keys, in order, as a new key. */
  public static KeyMaterial concat(java.util.List<KeyMaterial> parts) {
    int n = 0;
    for (KeyMaterial p : parts) {
      p.checkAlive();
      n += p.bytes.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (KeyMaterial p : parts) {
      System.arraycopy(p.bytes, 0, out, off, p.bytes.length);
      off += p.bytes.length;
    }
    return new KeyMaterial(out);
  }

  /** Constant-time comparison of the secret contents. */
  public boolean contentEquals(KeyMaterial other) {
    checkAlive();
    other.checkAlive();
    return MessageDigest.isEqual(bytes, other.bytes);
  }

  /** Overwrites the bytes with zeros; any later read fails. Idempotent. */
  public void zeroize() {
    Arrays.fill(bytes, (byte) 0);
    destroyed = true;
  }

  public boolean isZeroized() {
    return destroyed;
  }

  @Override
  public void close() {
    zeroize();
  }

  private void checkAlive() {
    if (destroyed) {
      throw new IllegalStateException("key material was zeroized");
    }
  }

  /** Identity semantics on purpose: value equality would invite non-constant-time compares. */
  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return "KeyMaterial[" + bytes.length + " bytes" + (destroyed ? ", zeroized" : "") + "]";
  }
}
