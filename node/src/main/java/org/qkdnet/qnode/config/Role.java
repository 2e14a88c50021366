package org.qkdnet.qnode.config;

import java.util.Locale;
import java.util.Optional;

/** What a station is for. Backbone stations serve applications; relay stations only forward key. */
public enum Role {
  BACKBONE,
  RELAY;

  /** Parses {@code backbone} / {@code relay}, in any letter case. */
  public static Optional<Role> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    for (Role r : values()) {
      if (r.name().equals(text.trim().toUpperCase(Locale.ROOT))) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The spelling used in HOCON. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
