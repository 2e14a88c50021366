package org.qkdnet.qnode.kme;

import java.util.List;

/**
 * A request the KME refuses, with the HTTP status of ETSI GS QKD 014 (400, 401 or 503). The
 * message and details are sent to the SAE as they are, so they never hold key bytes and never
 * echo key ids.
 */
public final class KmeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;
  private final List<String> details;

  public KmeException(int httpStatus, String message, List<String> details) {
    super(message, null, false, false);
    this.httpStatus = httpStatus;
    this.details = List.copyOf(details);
  }

  public KmeException(int httpStatus, String message) {
    this(httpStatus, message, List.of());
  }

  static KmeException badRequest(String message) {
    return new KmeException(400, message);
  }

  static KmeException unauthorized(String message) {
    return new KmeException(401, message);
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** Machine-readable reasons; the HTTP adapter sends each as {@code {"reason": ...}}. */
  public List<String> details() {
    return details;
  }
}
