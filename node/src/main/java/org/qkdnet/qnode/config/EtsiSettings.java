package org.qkdnet.qnode.config;

import com.typesafe.config.Config;

/**
 * {@code qnode.etsi014}: the limits a KME advertises in the ETSI GS QKD 014 status response.
 * Sizes are in bits and whole bytes, because keys are delivered as Base64 of bytes.
 */
public record EtsiSettings(
    int maxKeyCount, int maxKeySize, int minKeySize, int defaultKeySize, int maxSaeIdCount) {
  public static final String PATH = "qnode.etsi014";

  public EtsiSettings {
    String p = PATH + ".";
    if (maxKeyCount < 1) {
      throw new ConfigException(p + "max-key-count", "must be at least 1, got " + maxKeyCount);
    }
    checkSize(p + "max-key-size", maxKeySize);
    checkSize(p + "min-key-size", minKeySize);
    checkSize(p + "default-key-size", defaultKeySize);
    if (minKeySize > maxKeySize) {
      throw new ConfigException(
          p + "min-key-size", minKeySize + " is larger than max-key-size " + maxKeySize);
    }
    if (defaultKeySize < minKeySize || defaultKeySize > maxKeySize) {
      throw new ConfigException(
          p + "default-key-size",
          defaultKeySize + " is outside min-key-size..max-key-size (" + minKeySize + ".." + maxKeySize + ")");
    }
    if (maxSaeIdCount < 0) {
      throw new ConfigException(p + "max-sae-id-count", "must not be negative, got " + maxSaeIdCount);
    }
  }

  public static EtsiSettings create(Config root) {
    Hocon e = new Hocon(root, "").child(PATH);
    return new EtsiSettings(
        e.integer("max-key-count"),
        e.integer("max-key-size"),
        e.integer("min-key-size"),
        e.integer("default-key-size"),
        e.integer("max-sae-id-count"));
  }

  private static void checkSize(String at, int bits) {
    if (bits <= 0 || bits % 8 != 0) {
      throw new ConfigException(at, bits + " bits is not a positive multiple of 8");
    }
  }
}
