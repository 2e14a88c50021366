package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code qnode.dashboard}: the station's live topology map for operators (HTTPS, operator
 * certificate required), on the station's dashboard port ({@link Endpoint#dashboardPort()}).
 *
 * @param maxClients live pages (event streams) served at once; one more gets 503
 * @param refresh how often the station looks at the network for a changed picture to send
 */
public record DashboardSettings(boolean enabled, int maxClients, Duration refresh) {
  public static final String PATH = "qnode.dashboard";
  static final int MAX_CLIENTS_LIMIT = 256;
  static final Duration REFRESH_MIN = Duration.ofMillis(100);
  static final Duration REFRESH_MAX = Duration.ofSeconds(10);

  public DashboardSettings {
    if (maxClients < 1 || maxClients > MAX_CLIENTS_LIMIT) {
      throw new ConfigException(PATH + ".max-clients", maxClients + " is outside 1.." + MAX_CLIENTS_LIMIT);
    }
    if (refresh == null || refresh.compareTo(REFRESH_MIN) < 0 || refresh.compareTo(REFRESH_MAX) > 0) {
      throw new ConfigException(PATH + ".refresh", refresh + " is outside 100ms..10s");
    }
  }

  public static DashboardSettings create(Config root) {
    Hocon d = new Hocon(root, "").child(PATH);
    return new DashboardSettings(d.bool("enabled"), d.integer("max-clients"), d.duration("refresh"));
  }
}
