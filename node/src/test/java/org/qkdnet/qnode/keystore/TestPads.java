package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.KeyMaterial;
import java.util.Random;

/** Deterministic key frames for tests: both ends of a link get the same bytes. */
final class TestPads {
  private TestPads() {}

  static KeyMaterial frame(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return KeyMaterial.wrap(b);
  }

  static KeyMaterial concat(KeyMaterial... parts) {
    return KeyMaterial.concat(java.util.List.of(parts));
  }
}
