package org.qkdnet.qnode.kme;

import java.util.Objects;
import org.qkdnet.qnode.crypto.KeyMaterial;

/**
 * A key handed to an SAE. The receiver owns {@code key} and zeroizes it once it is encoded;
 * {@code toString} shows the id and length only.
 */
public record IssuedKey(String keyId, KeyMaterial key) {
  public IssuedKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(key, "key");
  }
}
