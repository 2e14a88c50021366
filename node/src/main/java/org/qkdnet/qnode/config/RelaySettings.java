package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/** {@code qnode.relay}: deadlines and path length limit of the hop-by-hop relay. */
public record RelaySettings(Duration hopTimeout, Duration relayTimeout, int maxPathHops) {
  public static final String PATH = "qnode.relay";

  /** A path of more hops trusts more stations than any real provincial network needs. */
  public static final int MAX_PATH_HOPS_LIMIT = 256;

  public RelaySettings {
    Objects.requireNonNull(hopTimeout, "hopTimeout");
    Objects.requireNonNull(relayTimeout, "relayTimeout");
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
  }

  public static RelaySettings create(Config root) {
    Hocon r = new Hocon(root, "").child(PATH);
    return new RelaySettings(
        r.duration("hop-timeout"), r.duration("relay-timeout"), r.integer("max-path-hops"));
  }
}
