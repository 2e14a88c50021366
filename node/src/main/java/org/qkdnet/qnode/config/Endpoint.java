package org.qkdnet.qnode.config;

import java.util.Objects;

/**
 * Where one station listens: Pekko cluster (Artery), gRPC LinkService (neighbours), HTTPS (ETSI
 * 014), gRPC AdminService (operators).
 */
public record Endpoint(String host, int clusterPort, int grpcPort, int httpsPort, int adminPort) {
  public Endpoint {
    Objects.requireNonNull(host, "host");
  }

  /** The admin port one above the HTTPS port (the base-port rule's layout). */
  public Endpoint(String host, int clusterPort, int grpcPort, int httpsPort) {
    this(host, clusterPort, grpcPort, httpsPort, httpsPort + 1);
  }
}
