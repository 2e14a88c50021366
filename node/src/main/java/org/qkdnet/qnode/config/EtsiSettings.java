package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code qnode.etsi014}: the limits a KME advertises in the ETSI GS QKD 014 status response, and
 * the protections of each SAE against the others (throttles, fair shares of scarce route key,
 * expiry and a cap of keys left unfetched). Sizes are in bits and whole bytes, because keys are
 * delivered as Base64 of bytes.
 */
public record EtsiSettings(
    int maxKeyCount, int maxKeySize, int minKeySize, int defaultKeySize, int maxSaeIdCount,
    double requestsPerSecond, int requestBurst, long keyBytesPerSecond, long keyBytesBurst,
    Duration fairShareWindow, long scarceBelowBytes, Duration keyTtl, long maxUndeliveredPerSlave) {
  public static final String PATH = "qnode.etsi014";

  /** The limits alone, with the default protections (tests). */
  public EtsiSettings(int maxKeyCount, int maxKeySize, int minKeySize, int defaultKeySize, int maxSaeIdCount) {
    this(maxKeyCount, maxKeySize, minKeySize, defaultKeySize, maxSaeIdCount, 200, 100, 1L << 20, 1L << 20,
        Duration.ofSeconds(10), 64 * 1024, Duration.ofHours(1), 100_000);
  }

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
    if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
      throw new ConfigException(p + "throttle.requests-per-second", "must be a positive number, got " + requestsPerSecond);
    }
    if (requestBurst < 1) {
      throw new ConfigException(p + "throttle.request-burst", "must be at least 1, got " + requestBurst);
    }
    if (keyBytesPerSecond < 1) {
      throw new ConfigException(p + "throttle.key-bytes-per-second", "must be at least 1 byte, got " + keyBytesPerSecond);
    }
    if (keyBytesBurst < (long) maxKeyCount * (maxKeySize / 8)) {
      throw new ConfigException(p + "throttle.key-bytes-burst", keyBytesBurst + " bytes is less than one largest "
          + "request (max-key-count x max-key-size = " + (long) maxKeyCount * (maxKeySize / 8) + " bytes)");
    }
    if (fairShareWindow.isNegative() || fairShareWindow.isZero()) {
      throw new ConfigException(p + "fair-share.window", "must be positive, got " + fairShareWindow);
    }
    if (scarceBelowBytes < 0) {
      throw new ConfigException(p + "fair-share.scarce-below", "must not be negative, got " + scarceBelowBytes);
    }
    if (keyTtl.isNegative() || keyTtl.isZero()) {
      throw new ConfigException(p + "key-ttl", "must be positive, got " + keyTtl);
    }
    if (maxUndeliveredPerSlave < maxKeyCount) {
      throw new ConfigException(p + "max-undelivered-per-slave", maxUndeliveredPerSlave
          + " is less than one request's max-key-count " + maxKeyCount);
    }
  }

  public static EtsiSettings create(Config root) {
    Hocon e = new Hocon(root, "").child(PATH);
    return new EtsiSettings(
        e.integer("max-key-count"),
        e.integer("max-key-size"),
        e.integer("min-key-size"),
        e.integer("default-key-size"),
        e.integer("max-sae-id-count"),
        e.child("throttle").number("requests-per-second"),
        e.child("throttle").integer("request-burst"),
        e.child("throttle").bytes("key-bytes-per-second"),
        e.child("throttle").bytes("key-bytes-burst"),
        e.child("fair-share").duration("window"),
        e.child("fair-share").bytes("scarce-below"),
        e.duration("key-ttl"),
        e.integer("max-undelivered-per-slave"));
  }

  private static void checkSize(String at, int bits) {
    if (bits <= 0 || bits % 8 != 0) {
      throw new ConfigException(at, bits + " bits is not a positive multiple of 8");
    }
  }
}
