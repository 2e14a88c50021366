package org.qkdnet.qnode.config;

import java.util.Objects;

/** Where one station listens: Pekko cluster (Artery), gRPC (LinkService, AdminService), HTTPS (ETSI 014). */
public record Endpoint(String host, int clusterPort, int grpcPort, int httpsPort) {
  public Endpoint {
    Objects.requireNonNull(host, "host");
  }
}
