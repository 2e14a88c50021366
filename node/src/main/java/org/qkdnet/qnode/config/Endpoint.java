package org.qkdnet.qnode.config;

import java.util.Objects;

/**
 * Where one station listens: Pekko cluster (Artery), gRPC LinkService (neighbours), HTTPS (ETSI
 * 014), gRPC AdminService (operators), HTTPS dashboard (operators' browsers).
 */
public record Endpoint(String host, int clusterPort, int grpcPort, int httpsPort, int adminPort, int dashboardPort) {
  /** The dashboard's port above the HTTPS port, as in the base-port rule's layout (+2 HTTPS, +5 dashboard). */
  public static final int DASHBOARD_ABOVE_HTTPS = 3;

  public Endpoint {
    Objects.requireNonNull(host, "host");
  }

  /** The dashboard port {@link #DASHBOARD_ABOVE_HTTPS} above the HTTPS port (the base-port rule's layout). */
  public Endpoint(String host, int clusterPort, int grpcPort, int httpsPort, int adminPort) {
    this(host, clusterPort, grpcPort, httpsPort, adminPort, httpsPort + DASHBOARD_ABOVE_HTTPS);
  }

  /** The admin port one above the HTTPS port and the dashboard three above (the base-port rule's layout). */
  public Endpoint(String host, int clusterPort, int grpcPort, int httpsPort) {
    this(host, clusterPort, grpcPort, httpsPort, httpsPort + 1);
  }
}
