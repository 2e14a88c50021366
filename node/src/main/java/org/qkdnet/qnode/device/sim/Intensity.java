package org.qkdnet.qnode.device.sim;

/** Alice's intensity class of one pulse; {@link #code()} is its wire form. */
public enum Intensity {
  SIGNAL,
  DECOY,
  VACUUM;

  private static final Intensity[] BY_CODE = values();

  public byte code() {
    return (byte) ordinal();
  }

  public static Intensity ofCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new IllegalArgumentException("intensity code " + code + " is not 0 (signal), 1 (decoy) or 2 (vacuum)");
    }
    return BY_CODE[code];
  }
}
