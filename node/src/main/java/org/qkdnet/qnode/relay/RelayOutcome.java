package org.qkdnet.qnode.relay;

/**
 * The answer that travels back along a relay path. Reasons are stable machine-readable codes;
 * details are for operators and never contain key material.
 */
public record RelayOutcome(String relayId, boolean delivered, String reason, String detail, String failedAt) {

  public static final String POOL_EXHAUSTED = "POOL_EXHAUSTED";
  public static final String NO_ROUTE = "NO_ROUTE";
  public static final String UNREACHABLE = "UNREACHABLE";
  public static final String TIMEOUT = "TIMEOUT";
  public static final String BAD_TAG = "BAD_TAG";
  public static final String BAD_REQUEST = "BAD_REQUEST";
  public static final String PAD_RANGE_REJECTED = "PAD_RANGE_REJECTED";
  public static final String DUPLICATE_RELAY_ID = "DUPLICATE_RELAY_ID";
  public static final String UNKNOWN_SAE = "UNKNOWN_SAE";
  public static final String STORE_FAILED = "STORE_FAILED";
  public static final String INTERNAL = "INTERNAL";

  public static RelayOutcome delivered(String relayId) {
    return new RelayOutcome(relayId, true, "", "", "");
  }

  public static RelayOutcome failed(String relayId, String reason, String detail, String failedAt) {
    return new RelayOutcome(relayId, false, reason, detail, failedAt);
  }
}
