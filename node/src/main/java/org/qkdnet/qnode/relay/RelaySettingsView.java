package org.qkdnet.qnode.relay;

/**
 * The limits the relay core enforces; built from {@code qnode.relay} and {@code qnode.etsi014}.
 *
 * @param maxAttempts routes one request may try (the first and its retries around failures)
 * @param maxPaths most node-disjoint paths (shares) one key may be split over
 * @param maxUndeliveredPerSlave most keys a destination holds for one slave SAE before it refuses
 *     further relays to it
 */
public record RelaySettingsView(
    long hopTimeoutMillis, long relayTimeoutMillis, int maxPathHops, int maxKeysPerRelay, int maxKeySizeBytes,
    int maxAttempts, int maxPaths, long maxUndeliveredPerSlave) {
  public RelaySettingsView {
    if (hopTimeoutMillis <= 0 || relayTimeoutMillis <= 0 || maxPathHops < 1 || maxKeysPerRelay < 1
        || maxKeySizeBytes < 1 || maxAttempts < 1 || maxPaths < 1 || maxUndeliveredPerSlave < 1) {
      throw new IllegalArgumentException("relay limits must be positive");
    }
  }

  /** No cap on undelivered keys. */
  public RelaySettingsView(
      long hopTimeoutMillis, long relayTimeoutMillis, int maxPathHops, int maxKeysPerRelay, int maxKeySizeBytes,
      int maxAttempts, int maxPaths) {
    this(hopTimeoutMillis, relayTimeoutMillis, maxPathHops, maxKeysPerRelay, maxKeySizeBytes, maxAttempts, maxPaths,
        Long.MAX_VALUE);
  }

  /** One attempt, one path: the limits of a relay without failover or multipath. */
  public RelaySettingsView(
      long hopTimeoutMillis, long relayTimeoutMillis, int maxPathHops, int maxKeysPerRelay, int maxKeySizeBytes) {
    this(hopTimeoutMillis, relayTimeoutMillis, maxPathHops, maxKeysPerRelay, maxKeySizeBytes, 1, 1);
  }
}
