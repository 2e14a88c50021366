package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code qnode.relay}: deadlines, path limits, failover, multipath and key-aware routing of the
 * hop-by-hop relay.
 *
 * @param maxAttempts routes one request may try: the first and its retries around failures
 * @param paths node-disjoint paths (shares) of every key this station originates, unless the
 *     topology's {@code sae-pairs} says otherwise for an SAE pair
 * @param suspicionQuarantine how long a neighbour that failed at transport level stays out of
 *     this station's routes (before the cluster's failure detector decides)
 * @param linkReserveBytes routes avoid links with less key than this (plus the relay's own need)
 *     while another route of the same length has it
 */
public record RelaySettings(Duration hopTimeout, Duration relayTimeout, int maxPathHops, int maxAttempts, int paths,
    Duration suspicionQuarantine, long linkReserveBytes) {
  public static final String PATH = "qnode.relay";

  /** A path of more hops trusts more stations than any real provincial network needs. */
  public static final int MAX_PATH_HOPS_LIMIT = 256;
  /** Node-disjoint paths per key supported: 1 (plain relay) or 2 (XOR of two shares). */
  public static final int MAX_PATHS = 2;

  public RelaySettings {
    Objects.requireNonNull(hopTimeout, "hopTimeout");
    Objects.requireNonNull(relayTimeout, "relayTimeout");
    Objects.requireNonNull(suspicionQuarantine, "suspicionQuarantine");
    String p = PATH + ".";
    if (hopTimeout.isNegative() || hopTimeout.isZero()) {
      throw new ConfigException(p + "hop-timeout", "must be positive, got " + hopTimeout);
    }
    if (relayTimeout.compareTo(hopTimeout) < 0) {
      throw new ConfigException(
          p + "relay-timeout", relayTimeout + " is shorter than hop-timeout " + hopTimeout);
    }
    if (maxPathHops < 1 || maxPathHops > MAX_PATH_HOPS_LIMIT) {
      throw new ConfigException(
          p + "max-path-hops", maxPathHops + " is outside 1.." + MAX_PATH_HOPS_LIMIT);
    }
    if (maxAttempts < 1 || maxAttempts > 16) {
      throw new ConfigException(p + "max-attempts", maxAttempts + " is outside 1..16");
    }
    if (paths < 1 || paths > MAX_PATHS) {
      throw new ConfigException(p + "paths", paths + " is outside 1.." + MAX_PATHS);
    }
    if (suspicionQuarantine.isNegative() || suspicionQuarantine.isZero()
        || suspicionQuarantine.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ConfigException(p + "suspicion-quarantine", "must be in (0, 10m], got " + suspicionQuarantine);
    }
    if (linkReserveBytes < 0) {
      throw new ConfigException(p + "link-reserve", "must not be negative, got " + linkReserveBytes);
    }
  }

  /** The original three limits with the defaults of the newer settings (tests, tools). */
  public RelaySettings(Duration hopTimeout, Duration relayTimeout, int maxPathHops) {
    this(hopTimeout, relayTimeout, maxPathHops, 3, 1, Duration.ofSeconds(10), 4096);
  }

  public static RelaySettings create(Config root) {
    Hocon r = new Hocon(root, "").child(PATH);
    return new RelaySettings(
        r.duration("hop-timeout"), r.duration("relay-timeout"), r.integer("max-path-hops"), r.integer("max-attempts"),
        r.integer("paths"), r.duration("suspicion-quarantine"), r.bytes("link-reserve"));
  }
}
