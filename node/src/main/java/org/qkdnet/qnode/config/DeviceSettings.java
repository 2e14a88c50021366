package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/** {@code qnode.device}: which QKD device driver runs each link, and its simulator knobs. */
public record DeviceSettings(
    String kind, int frameBytes, double speedup, String seed, Duration framePeriod, long maxPoolBytes) {
  public static final String PATH = "qnode.device";

  /** Simulates a link's finished key at the decoy-state secure key rate for the link's length. */
  public static final String FINISHED_KEY_SIM = "finished-key-sim";

  /**
   * Simulates raw decoy-state BB84 detections ({@link Bb84Settings}); the two stations of the link
   * post-process them into key over LinkService.
   */
  public static final String BB84_SIM = "bb84-sim";

  public static final Set<String> KINDS = Set.of(FINISHED_KEY_SIM, BB84_SIM);
  public static final int MIN_FRAME_BYTES = 64;
  public static final int MAX_FRAME_BYTES = 1_048_576;

  public DeviceSettings {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(seed, "seed");
    String p = PATH + ".";
    if (!KINDS.contains(kind)) {
      throw new ConfigException(p + "kind", "'" + kind + "' is not one of " + KINDS);
    }
    if (frameBytes < MIN_FRAME_BYTES || frameBytes > MAX_FRAME_BYTES) {
      throw new ConfigException(
          p + "frame-bytes", frameBytes + " is outside " + MIN_FRAME_BYTES + ".." + MAX_FRAME_BYTES);
    }
    if (!(speedup > 0.0) || Double.isInfinite(speedup)) {
      throw new ConfigException(p + "speedup", "must be a positive finite number, got " + speedup);
    }
    Objects.requireNonNull(framePeriod, "framePeriod");
    if (framePeriod.toMillis() < 10 || framePeriod.toMillis() > 60_000) {
      throw new ConfigException(p + "frame-period", framePeriod + " is outside 10ms..60s");
    }
    if (maxPoolBytes < 2L * frameBytes) {
      throw new ConfigException(p + "max-pool-bytes",
          maxPoolBytes + " bytes cannot hold two frames of " + frameBytes + " bytes");
    }
  }

  public static DeviceSettings create(Config root) {
    Hocon d = new Hocon(root, "").child(PATH);
    return new DeviceSettings(
        d.string("kind"), d.integer("frame-bytes"), d.number("speedup"), d.string("seed"),
        d.duration("frame-period"), d.bytes("max-pool-bytes"));
  }

  /** Hides the seed: with it, anyone could recompute the simulated key streams. */
  @Override
  public String toString() {
    return "DeviceSettings[kind=" + kind + ", frameBytes=" + frameBytes + ", speedup=" + speedup
        + ", seed=" + (seeded() ? "<set>" : "<none>") + ", framePeriod=" + framePeriod
        + ", maxPoolBytes=" + maxPoolBytes + "]";
  }

  /** True when the seed was set explicitly; otherwise the simulator derives one per topology. */
  public boolean seeded() {
    return !seed.isEmpty();
  }
}
