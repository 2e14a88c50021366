package org.qkdnet.qnode.relay;

/** The limits the relay core enforces; built from {@code qnode.relay} and {@code qnode.etsi014}. */
public record RelaySettingsView(
    long hopTimeoutMillis, long relayTimeoutMillis, int maxPathHops, int maxKeysPerRelay, int maxKeySizeBytes) {
  public RelaySettingsView {
    if (hopTimeoutMillis <= 0 || relayTimeoutMillis <= 0 || maxPathHops < 1 || maxKeysPerRelay < 1
        || maxKeySizeBytes < 1) {
      throw new IllegalArgumentException("relay limits must be positive");
    }
  }
}
