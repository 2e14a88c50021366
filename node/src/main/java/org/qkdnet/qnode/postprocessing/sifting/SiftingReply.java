package org.qkdnet.qnode.postprocessing.sifting;

import java.util.Arrays;
import java.util.Objects;

/**
 * Alice to Bob: which announced detections were in her basis ({@code match}, one bit per announced
 * slot) and, for each matching one in order, the intensity class she sent
 * ({@link org.qkdnet.qnode.device.sim.Intensity#code()}).
 */
public record SiftingReply(long frame, BitString match, byte[] intensities) {
  public SiftingReply {
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(intensities, "intensities");
    if (frame < 0) {
      throw new IllegalArgumentException("frame must be >= 0, got " + frame);
    }
    if (intensities.length != match.cardinality()) {
      throw new IllegalArgumentException("reply has " + match.cardinality() + " matches but "
          + intensities.length + " intensity classes");
    }
    intensities = intensities.clone();
    for (byte c : intensities) {
      if (c < 0 || c > 2) {
        throw new IllegalArgumentException("intensity code " + c + " is not 0, 1 or 2");
      }
    }
  }

  @Override
  public byte[] intensities() {
    return intensities.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SiftingReply r && r.frame == frame && r.match.equals(match)
        && Arrays.equals(r.intensities, intensities);
  }

  @Override
  public int hashCode() {
    return Objects.hash(frame, match, Arrays.hashCode(intensities));
  }

  @Override
  public String toString() {
    return "SiftingReply[frame=" + frame + ", announced=" + match.length() + ", matched="
        + intensities.length + "]";
  }
}
