package org.qkdnet.qnode.kme;

import java.util.Objects;

/**
 * Why a relay gave no keys. {@link #reason()} is one of the constants below (the KME maps it to
 * the SAE's 503 message); {@link #detail()} is for the station's log only and never holds key
 * bytes.
 */
public final class RelayFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A link on every usable route has too little pad left. */
  public static final String POOL_EXHAUSTED = "POOL_EXHAUSTED";
  /** No path of live links reaches the destination station. */
  public static final String NO_ROUTE = "NO_ROUTE";
  /** The relay did not finish before its deadline. */
  public static final String TIMEOUT = "TIMEOUT";
  /** A station on the path refused a hop (bad tag, bad range, draining…). */
  public static final String REJECTED = "REJECTED";

  private final String reason;
  private final String detail;

  public RelayFailedException(String reason, String detail) {
    super(reason + ": " + detail, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.detail = Objects.requireNonNull(detail, "detail");
  }

  public String reason() {
    return reason;
  }

  public String detail() {
    return detail;
  }
}
