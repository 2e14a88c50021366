package org.qkdnet.qnode.kme;

import java.util.List;
import java.util.Objects;

/**
 * Asks the relay layer for new keys that end up stored at {@code destinationStation} as
 * deliverable to {@code slaveSae}, one key of {@code keySizeBytes} per id in {@code keyIds}.
 */
public record RelayRequest(
    String masterSae,
    String slaveSae,
    String destinationStation,
    List<String> keyIds,
    int keySizeBytes) {
  public RelayRequest {
    Objects.requireNonNull(masterSae, "masterSae");
    Objects.requireNonNull(slaveSae, "slaveSae");
    Objects.requireNonNull(destinationStation, "destinationStation");
    keyIds = List.copyOf(keyIds);
    if (keyIds.isEmpty()) {
      throw new IllegalArgumentException("a relay request needs at least one key id");
    }
    if (keySizeBytes < 1) {
      throw new IllegalArgumentException("keySizeBytes must be positive, was " + keySizeBytes);
    }
  }
}
