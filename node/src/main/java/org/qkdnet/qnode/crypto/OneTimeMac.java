package org.qkdnet.qnode.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Wegman–Carter one-time authenticator: raw Poly1305 keyed with 32 fresh QKD key bytes
 * ({@code r || s}, RFC 8439 §2.5). Information-theoretically secure only if every key is used
 * for exactly one message; callers must take a new key from the pad for each tag.
 *
 * <p>The tag covers the plain concatenation of the parts, so callers must frame the parts
 * unambiguously (fixed sizes or length prefixes).
 */
public final class OneTimeMac {
  public static final int KEY_BYTES = 32;
  public static final int TAG_BYTES = 16;

  private OneTimeMac() {}

  /** The 16-byte Poly1305 tag of the concatenated parts under the one-time key {@code key32}. */
  public static byte[] tag(KeyMaterial key32, byte[]... messageParts) {
    Objects.requireNonNull(key32, "key32");
    Objects.requireNonNull(messageParts, "messageParts");
    if (key32.length() != KEY_BYTES) {
      throw new IllegalArgumentException(
          "one-time MAC key must be " + KEY_BYTES + " bytes, got " + key32.length());
    }
    byte[] raw = key32.copyBytes();
    KeyParameter param = new KeyParameter(raw);
    Arrays.fill(raw, (byte) 0);
    // No block cipher: BC then uses s directly instead of AES_k(nonce), and clamps r itself.
    Poly1305 mac = new Poly1305();
    try {
      mac.init(param);
    } finally {
      // KeyParameter.getKey() exposes its own copy; clear it once Poly1305 has its state.
      Arrays.fill(param.getKey(), (byte) 0);
    }
    for (byte[] part : messageParts) {
      Objects.requireNonNull(part, "message part");
      mac.update(part, 0, part.length);
    }
    byte[] out = new byte[TAG_BYTES];
    mac.doFinal(out, 0);
    return out;
  }

  /** Whether {@code tag} is the tag of the parts under {@code key32}; compares in constant time. */
  public static boolean verify(KeyMaterial key32, byte[] tag, byte[]... messageParts) {
    Objects.requireNonNull(tag, "tag");
    byte[] expected = tag(key32, messageParts);
    // The length is public; content comparison must not leak where the first difference is.
    return tag.length == TAG_BYTES && MessageDigest.isEqual(expected, tag);
  }
}
