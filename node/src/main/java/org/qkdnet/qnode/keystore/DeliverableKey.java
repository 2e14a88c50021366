package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.KeyMaterial;
import java.util.Objects;

/** A relayed key waiting at its destination for the slave SAE to fetch it (ETSI 014 dec_keys). */
public record DeliverableKey(String keyId, String masterSae, String slaveSae, KeyMaterial key) {
  public DeliverableKey {
    requireText(keyId, "keyId");
    requireText(masterSae, "masterSae");
    requireText(slaveSae, "slaveSae");
    Objects.requireNonNull(key, "key");
    if (key.length() == 0) {
      throw new IllegalArgumentException("deliverable key " + keyId + " is empty");
    }
  }

  private static void requireText(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isBlank()) {
      throw new IllegalArgumentException(what + " is blank");
    }
  }
}
