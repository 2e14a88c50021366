package org.qkdnet.qnode.kme.etsi014;

/**
 * Where the ETSI 014 server reports each answered request, for metrics. The endpoint is one of a
 * few fixed names (never the SAE id from the path, nor a query): {@link #STATUS}, {@link
 * #ENC_KEYS}, {@link #DEC_KEYS} or {@link #OTHER}.
 */
public interface Etsi014Recorder {
  String STATUS = "status";
  String ENC_KEYS = "enc_keys";
  String DEC_KEYS = "dec_keys";
  String OTHER = "other";

  /** Records nothing. */
  Etsi014Recorder NONE = (endpoint, status, nanos) -> {};

  /** A request to {@code endpoint} was answered with HTTP {@code status} after {@code nanos}. */
  void answered(String endpoint, int status, long nanos);

  /** The endpoint name of a request path such as {@code /api/v1/keys/SAE/enc_keys}. */
  static String endpointOf(String path) {
    String[] parts = path.split("/", -1);
    // "", "api", "v1", "keys", sae, endpoint
    if (parts.length == 6 && parts[0].isEmpty() && parts[1].equals("api") && parts[2].equals("v1")
        && parts[3].equals("keys") && !parts[4].isEmpty()) {
      return switch (parts[5]) {
        case STATUS, ENC_KEYS, DEC_KEYS -> parts[5];
        default -> OTHER;
      };
    }
    return OTHER;
  }
}
