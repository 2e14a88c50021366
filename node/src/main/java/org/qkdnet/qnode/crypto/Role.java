package org.qkdnet.qnode.crypto;

import java.util.Optional;

/** What a certificate holder is; carried in the subject as {@code OU=station|sae|operator}. */
public enum Role {
  STATION("station"),
  SAE("sae"),
  OPERATOR("operator");

  private final String ou;

  Role(String ou) {
    this.ou = ou;
  }

  /** The organizational-unit value written into certificates for this role. */
  public String ou() {
    return ou;
  }

  /** The role whose OU value is exactly {@code ou}, if any. */
  public static Optional<Role> fromOu(String ou) {
    for (Role r : values()) {
      if (r.ou.equals(ou)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
