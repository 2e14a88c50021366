package org.qkdnet.qnode.station;

import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko Management on a station that asked for it ({@code qnode.management.enabled}): the cluster
 * HTTP routes ({@code GET /cluster/members} ...), read-only, over plain HTTP on the host and port
 * that {@link Station#systemConfig} put into {@code pekko.management.http}.
 */
final class StationManagement implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StationManagement.class);
  private static final long START_SECONDS = 15;
  private static final long STOP_SECONDS = 5;

  private final PekkoManagement management;
  private final String url;

  private StationManagement(PekkoManagement management, String url) {
    this.management = management;
    this.url = url;
  }

  /** Binds the routes; fails (the station does not start) if the port cannot be bound. */
  static StationManagement start(ActorSystem<?> system, String self) throws Exception {
    PekkoManagement management = PekkoManagement.get(system);
    String url = management.start().toCompletableFuture().get(START_SECONDS, TimeUnit.SECONDS).toString()
        .replaceAll("/$", "");
    boolean readOnly = system.settings().config().getBoolean("pekko.management.http.route-providers-read-only");
    String what = readOnly ? "read-only" : "READ-WRITE (route-providers-read-only = false): members can be downed"
        + " over it";
    if (java.net.InetAddress.getByName(management.settings().getHttpEffectiveBindHostname()).isLoopbackAddress()
        && readOnly) {
      log.info("station {}: Pekko Management at {}/cluster/members ({})", self, url, what);
    } else {
      log.warn("station {}: Pekko Management at {}/cluster/members ({}): plain HTTP without authentication,"
          + " for a trusted network only (qnode.management)", self, url, what);
    }
    return new StationManagement(management, url);
  }

  /** The base URL it serves, e.g. {@code http://127.0.0.1:27006}. */
  String url() {
    return url;
  }

  @Override
  public void close() throws Exception {
    management.stop().toCompletableFuture().get(STOP_SECONDS, TimeUnit.SECONDS);
  }
}
