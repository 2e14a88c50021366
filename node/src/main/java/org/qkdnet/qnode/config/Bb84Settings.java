package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.util.Objects;
import org.qkdnet.qnode.device.sim.Bb84Parameters;
import org.qkdnet.qnode.postprocessing.cascade.CascadeVariant;
import org.qkdnet.qnode.postprocessing.estimation.EpsilonBudget;

/**
 * {@code qnode.device.bb84}: physics of the raw-detection simulator (device kind
 * {@value DeviceSettings#BB84_SIM}) and the knobs of the post-processing between the two ends.
 *
 * @param params simulator physics and frame size
 * @param abortQber frames whose X-basis signal QBER exceeds this are dropped before Cascade, (0, 0.5]
 * @param cascadeVariant Cascade block-size schedule
 * @param eps the composable security parameters of each block (eps-sec, eps-cor)
 * @param verificationTagBits bits of the verification hash tag per frame, 1..128, counted as
 *     leaked; checked against eps-cor for the largest frame and block
 * @param blockBits sifted Z-basis (raw key) bits a block collects before its finite-key bound is
 *     evaluated and its key committed, {@value #MIN_BLOCK_BITS}..{@value #MAX_BLOCK_BITS}
 * @param framesInFlight frames Bob post-processes concurrently per link, 1..64 (hides round trips)
 * @param firstBlockBits sifted Z bits of the first block after a link end starts, {@value
 *     #MIN_BLOCK_BITS}..blockBits; equal to blockBits: no special first block
 */
public record Bb84Settings(Bb84Parameters params, double abortQber, CascadeVariant cascadeVariant, EpsilonBudget eps,
    int verificationTagBits, long blockBits, int framesInFlight, long firstBlockBits) {
  public static final String PATH = DeviceSettings.PATH + ".bb84";
  public static final long MIN_BLOCK_BITS = 10_000;
  public static final long MAX_BLOCK_BITS = 100_000_000;
  /** Most frames one block holds: a block closes at this count even below block-bits. */
  public static final int MAX_BLOCK_FRAMES = 4096;
  /** Most 64-bit words of one frame's key (frames announce at most 2^22 detections). */
  public static final long MAX_FRAME_WORDS = (1L << 22) / 64;
  /** Most sifted key bits {@code frame-key-bits} may ask of one frame (its detections stay below 2^22). */
  public static final long MAX_FRAME_KEY_BITS = 1_000_000;
  /** Least {@code frame-key-bits} other than 0 (off). */
  public static final long MIN_FRAME_KEY_BITS = 1_000;

  public Bb84Settings {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(cascadeVariant, "cascadeVariant");
    String p = PATH + ".";
    if (!(abortQber > 0 && abortQber <= 0.5)) {
      throw new ConfigException(p + "abort-qber", abortQber + " is outside (0, 0.5]");
    }
    Objects.requireNonNull(eps, "eps");
    if (verificationTagBits < 1 || verificationTagBits > 128) {
      throw new ConfigException(p + "verification-tag-bits", verificationTagBits + " is outside 1..128");
    }
    try {
      eps.checkVerification(verificationTagBits, MAX_FRAME_WORDS, MAX_BLOCK_FRAMES);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(p + "verification-tag-bits", e.getMessage(), e);
    }
    if (blockBits < MIN_BLOCK_BITS || blockBits > MAX_BLOCK_BITS) {
      throw new ConfigException(p + "block-bits", blockBits + " is outside " + MIN_BLOCK_BITS + ".." + MAX_BLOCK_BITS);
    }
    if (framesInFlight < 1 || framesInFlight > 64) {
      throw new ConfigException(p + "frames-in-flight", framesInFlight + " is outside 1..64");
    }
    if (firstBlockBits < MIN_BLOCK_BITS || firstBlockBits > blockBits) {
      throw new ConfigException(p + "first-block-bits", firstBlockBits + " is outside " + MIN_BLOCK_BITS
          + ".." + blockBits + " (block-bits)");
    }
  }

  /** Settings without a special first block (every block of blockBits). */
  public Bb84Settings(Bb84Parameters params, double abortQber, CascadeVariant cascadeVariant, EpsilonBudget eps,
      int verificationTagBits, long blockBits, int framesInFlight) {
    this(params, abortQber, cascadeVariant, eps, verificationTagBits, blockBits, framesInFlight, blockBits);
  }

  public static Bb84Settings create(Config root) {
    return parse(root).settings();
  }

  /** Settings as parsed, with {@code frame-key-bits} (0: off), which only a link's km can apply. */
  private record Parsed(Bb84Settings settings, long frameKeyBits) {}

  private static Parsed parse(Config root) {
    Hocon b = new Hocon(root, "").child(PATH);
    Bb84Parameters params;
    try {
      params = new Bb84Parameters(b.number("pulse-rate"), b.number("fiber-loss-db-per-km"),
          b.number("detector-efficiency"), b.number("dark-count-probability"), b.number("afterpulse-probability"),
          b.number("misalignment-error"), b.number("misalignment-error-x"), b.number("signal-intensity"),
          b.number("decoy-intensity"), b.number("signal-probability"), b.number("decoy-probability"),
          b.number("vacuum-probability"), b.number("z-basis-probability"), b.integer("frame-slots"));
    } catch (IllegalArgumentException e) {
      // Bb84Parameters names the offending key first ("frame-slots = ... is outside ...").
      String msg = String.valueOf(e.getMessage());
      int space = msg.indexOf(' ');
      String key = space > 0 ? msg.substring(0, space) : "";
      throw new ConfigException(key.isEmpty() ? PATH : p(key), msg, e);
    }
    CascadeVariant variant;
    try {
      variant = CascadeVariant.parse(b.string("cascade-variant"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(PATH + ".cascade-variant", String.valueOf(e.getMessage()), e);
    }
    EpsilonBudget eps;
    double epsSec = b.number("eps-sec");
    if (!(epsSec > 0 && epsSec <= 1e-3)) {
      throw new ConfigException(p("eps-sec"), epsSec + " is outside (0, 1e-3]");
    }
    double epsCor = b.number("eps-cor");
    if (!(epsCor > 0 && epsCor <= 1e-3)) {
      throw new ConfigException(p("eps-cor"), epsCor + " is outside (0, 1e-3]");
    }
    eps = new EpsilonBudget(epsSec, epsCor);
    double blockBits = b.number("block-bits");
    if (!(blockBits >= MIN_BLOCK_BITS && blockBits <= MAX_BLOCK_BITS && blockBits == Math.rint(blockBits))) {
      throw new ConfigException(p("block-bits"), blockBits + " is not a whole number in " + MIN_BLOCK_BITS + ".."
          + MAX_BLOCK_BITS);
    }
    double firstBlockBits = b.number("first-block-bits");
    if (!(firstBlockBits >= MIN_BLOCK_BITS && firstBlockBits <= MAX_BLOCK_BITS
        && firstBlockBits == Math.rint(firstBlockBits))) {
      throw new ConfigException(p("first-block-bits"), firstBlockBits + " is not a whole number in " + MIN_BLOCK_BITS
          + ".." + MAX_BLOCK_BITS);
    }
    // a first block larger than the others is just an ordinary one
    firstBlockBits = Math.min(firstBlockBits, blockBits);
    double frameKeyBits = b.number("frame-key-bits");
    if (!(frameKeyBits == 0 || frameKeyBits >= MIN_FRAME_KEY_BITS && frameKeyBits <= MAX_FRAME_KEY_BITS)
        || frameKeyBits != Math.rint(frameKeyBits)) {
      throw new ConfigException(p("frame-key-bits"), frameKeyBits + " is neither 0 nor a whole number in "
          + MIN_FRAME_KEY_BITS + ".." + MAX_FRAME_KEY_BITS);
    }
    return new Parsed(new Bb84Settings(params, b.number("abort-qber"), variant, eps,
        b.integer("verification-tag-bits"), (long) blockBits, b.integer("frames-in-flight"), (long) firstBlockBits),
        (long) frameKeyBits);
  }

  /**
   * The settings of link {@code index} of {@code qnode.topology.links}: its optional
   * {@code bb84 { ... }} block (any key of {@code qnode.device.bb84}, e.g. a detector or fiber
   * that differs on that link) laid over the defaults. Both stations of a link read the same
   * topology, so both ends use the same values. Errors name the link's key, e.g.
   * {@code qnode.topology.links[3].bb84.detector-efficiency}.
   */
  public static Bb84Settings forLink(Config root, int index) {
    Parsed p = forLinkAsWritten(root, index);
    Config link = root.getConfigList("qnode.topology.links").get(index);
    return p.settings().withFramesFor(p.frameKeyBits(), link.hasPath("km") ? link.getDouble("km") : 0);
  }

  /**
   * These settings with frames of at least {@code frameKeyBits} expected sifted key bits over
   * {@code km} of fiber: frame-slots is raised (never lowered) to the pulses that carry that many
   * on average, at most {@value Bb84Parameters#MAX_FRAME_SLOTS}. A long link then needs as few
   * frames per block as a short one, so its first key comes as soon and its Cascade, whose round
   * trips per frame hardly depend on the frame's size, costs the same per key bit. The link's rate
   * stays physical: a frame never comes sooner than its pulses take at pulse-rate. Both ends compute
   * the same from the same topology. 0: frame-slots as written.
   */
  public Bb84Settings withFramesFor(long frameKeyBits, double km) {
    if (frameKeyBits <= 0) {
      return this;
    }
    double perPulse = org.qkdnet.qnode.device.sim.FiniteKeyRate.keyBitsPerPulse(params, km);
    double slots = Math.ceil(frameKeyBits / perPulse);
    int sized = (int) Math.min(Bb84Parameters.MAX_FRAME_SLOTS, Math.max(params.frameSlots(), slots));
    if (sized == params.frameSlots()) {
      return this;
    }
    return new Bb84Settings(params.withFrameSlots(sized), abortQber, cascadeVariant, eps, verificationTagBits,
        blockBits, framesInFlight, firstBlockBits);
  }

  private static Parsed forLinkAsWritten(Config root, int index) {
    String at = "qnode.topology.links[" + index + "].bb84";
    java.util.List<? extends Config> links;
    try {
      links = root.getConfigList("qnode.topology.links");
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("qnode.topology.links", "missing or not a list of links", e);
    }
    if (index < 0 || index >= links.size()) {
      throw new IllegalArgumentException("no link " + index + " in qnode.topology.links");
    }
    Config link = links.get(index);
    if (!link.hasPath("bb84")) {
      return parse(root);
    }
    Config override;
    try {
      override = link.getConfig("bb84");
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(at, "must be an object of " + PATH + " settings", e);
    }
    Config defaults;
    try {
      defaults = root.getConfig(PATH);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(PATH, "missing", e);
    }
    for (var e : override.entrySet()) {
      if (!defaults.hasPath(e.getKey())) {
        throw new ConfigException(at + "." + e.getKey(), "is not a setting of " + PATH);
      }
    }
    try {
      return parse(override.withFallback(defaults).atPath(PATH));
    } catch (ConfigException e) {
      String prefix = PATH + ".";
      if (e.keyPath().startsWith(prefix) && override.hasPath(e.keyPath().substring(prefix.length()))) {
        throw new ConfigException(at + "." + e.keyPath().substring(prefix.length()), e.problem(), e);
      }
      throw e;
    }
  }

  private static String p(String key) {
    return PATH + "." + key;
  }
}
