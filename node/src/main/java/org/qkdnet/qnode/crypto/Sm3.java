package org.qkdnet.qnode.crypto;

import java.util.Objects;
import org.bouncycastle.crypto.digests.SM3Digest;

/** SM3 hash (GB/T 32905-2016), 32-byte digest. */
public final class Sm3 {
  public static final int DIGEST_BYTES = 32;

  private Sm3() {}

  /** SM3 of the concatenated parts. */
  public static byte[] digest(byte[]... parts) {
    Objects.requireNonNull(parts, "parts");
    SM3Digest d = new SM3Digest();
    for (byte[] p : parts) {
      Objects.requireNonNull(p, "part");
      d.update(p, 0, p.length);
    }
    byte[] out = new byte[DIGEST_BYTES];
    d.doFinal(out, 0);
    return out;
  }
}
