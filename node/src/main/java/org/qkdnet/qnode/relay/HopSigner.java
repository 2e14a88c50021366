package org.qkdnet.qnode.relay;

import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.crypto.OneTimeMac;

/** Signs a hop with its one-time MAC key: Poly1305 over the canonical header and the ciphertext. */
final class HopSigner {
  static final int MAC_KEY_BYTES = 32;
  static final int TAG_BYTES = 16;

  private HopSigner() {}

  static HopMessage sign(HopMessage unsigned, KeyMaterial macKey) {
    byte[] c = unsigned.ciphertext();
    return unsigned.with(c, OneTimeMac.tag(macKey, HopCodec.header(unsigned), c));
  }

  static boolean verify(HopMessage m, KeyMaterial macKey) {
    return OneTimeMac.verify(macKey, m.tag(), HopCodec.header(m), m.ciphertext());
  }
}
