package org.qkdnet.qnode.device.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import org.qkdnet.qnode.device.QkdDevice.LinkEnds;

/**
 * Decoy-state BB84 over one fiber, simulated at the level of detections.
 *
 * <p><b>Model.</b> Alice picks per slot an intensity class k (signal mu, decoy nu, vacuum) and
 * a basis and bit. The photons of a class-k pulse cause a click with s_k = 1 - exp(-eta mu_k);
 * independently, a dark count fires with Y0. A slot clicks with Q_k = s_k + (1 - s_k) Y0. Bob
 * picks his basis; after a photon click his bit is Alice's, flipped with probability e_d, when
 * the bases match, and uniformly random otherwise; after a dark count alone it is random. The
 * misalignment error differs per basis (e_d^Z, e_d^X: the X basis is usually an interferometer
 * whose visibility is worse than the Z basis's contrast); the one used is that of Bob's basis,
 * which for matching bases is also Alice's.
 *
 * <p><b>Afterpulsing</b> (probability p_ap that a click is followed by a spurious one) is taken
 * in the usual uncorrelated approximation: an extra background click with a random bit at rate
 * p_ap times the mean click probability per slot, Y0_eff = Y0 + p_ap * sum_k p_k Q_k
 * ({@link Bb84Parameters#effectiveDarkCountProbability(double)}). Y0_eff simply replaces Y0 in
 * the dark-count process, so afterpulses cost no work per pulse. Left out: the time correlation
 * (an afterpulse comes within a few slots of its click) and afterpulses of afterpulses (order
 * p_ap^2).
 *
 * <p><b>No per-pulse work.</b> Photon clicks are drawn as a Bernoulli(s_mu) process over the
 * slots, jumping from one candidate to the next by geometric gaps ({@link GapSampler}); each
 * candidate reads Alice's class in its slot and is kept with probability s_k / s_mu (thinning),
 * which makes photon clicks exactly independent Bernoulli(s_k) per slot. Dark counts are a
 * second, sparse Bernoulli(Y0_eff) process merged in. Thinning, rather than drawing per-class
 * counts, lets Alice's choices be a pure function of the slot, so her view needs no knowledge
 * of which slots clicked.
 *
 * <p><b>Two views, one channel.</b> Both views derive from the link seed and the frame number
 * with a counter-based generator ({@link CounterRandom}): Alice's choices from one stream indexed
 * by slot, the channel and Bob's choices from others. Each end builds only its own view; the
 * correlation between the views is the physical one because Bob's clicks read the photon
 * Alice's stream put in the slot.
 */
public final class Bb84Simulator {
  // A channel value (64 bits) per photon candidate: 20 bits gap to it, 14 bits thinning,
  // 14 bits Bob's basis, 15 bits misalignment error, 1 bit outcome of a random click.
  private static final int GAP_SHIFT = 64 - GapSampler.U_BITS;
  private static final int THIN_SHIFT = 30;
  private static final int THIN_BITS = 14;
  private static final int BASIS_SHIFT = 16;
  private static final int BASIS_BITS = 14;
  private static final int ERROR_SHIFT = 1;
  private static final int ERROR_BITS = 15;
  // Candidate slot and two flags share an int: frames are below 2^30 slots.
  private static final int PHOTON = 1 << 30;
  private static final int DARK = 1 << 31;
  private static final int SLOT_MASK = PHOTON - 1;

  private final Bb84Parameters params;
  private final double km;
  private final long linkSeed;
  private final Preparation preparation;
  private final double[] detection = new double[3];
  private final double[] errorRateZ = new double[3];
  private final double[] errorRateX = new double[3];
  private final long[] thinBelow = new long[3];
  private final long bobZBelow;
  private final long errorBelowZ;
  private final long errorBelowX;
  private final GapSampler photonGaps;
  private final GapSampler darkGaps;

  /** The simulator of {@code link}, seeded from the configured simulation seed and the link. */
  public Bb84Simulator(LinkEnds link, String seed, Bb84Parameters params) {
    this(params, link.km(), linkSeed(seed, link));
  }

  public Bb84Simulator(Bb84Parameters params, double km, long linkSeed) {
    this.params = Objects.requireNonNull(params, "params");
    this.km = km;
    this.linkSeed = linkSeed;
    this.preparation = new Preparation(params);
    double y0 = params.effectiveDarkCountProbability(km);
    double edZ = params.misalignmentError();
    double edX = params.misalignmentErrorX();
    double[] photonClick = new double[3];
    for (Intensity k : Intensity.values()) {
      int i = k.ordinal();
      photonClick[i] = params.photonClickProbability(k, km);
      double darkOnly = y0 * (1 - photonClick[i]);
      detection[i] = photonClick[i] + darkOnly;
      errorRateZ[i] = detection[i] == 0 ? 0.5 : (0.5 * darkOnly + edZ * photonClick[i]) / detection[i];
      errorRateX[i] = detection[i] == 0 ? 0.5 : (0.5 * darkOnly + edX * photonClick[i]) / detection[i];
    }
    double candidateRate = photonClick[Intensity.SIGNAL.ordinal()];
    for (int i = 0; i < 3; i++) {
      thinBelow[i] = candidateRate == 0 ? 0 : Math.round(photonClick[i] / candidateRate * (1 << THIN_BITS));
    }
    bobZBelow = Math.round(params.zBasisProbability() * (1 << BASIS_BITS));
    errorBelowZ = Math.round(edZ * (1 << ERROR_BITS));
    errorBelowX = Math.round(edX * (1 << ERROR_BITS));
    photonGaps = candidateRate > 0 ? new GapSampler(candidateRate) : null;
    darkGaps = y0 > 0 ? new GapSampler(y0) : null;
  }

  /** A 64-bit link seed from the configured simulation seed and the link's two ends. */
  public static long linkSeed(String seed, LinkEnds link) {
    Objects.requireNonNull(seed, "seed");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("qnode-sim-bb84-v1".getBytes(StandardCharsets.UTF_8));
      for (String part : new String[] {seed, link.lo(), link.hi()}) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
        sha.update(b);
      }
      return ByteBuffer.wrap(sha.digest()).getLong();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  public Bb84Parameters parameters() {
    return params;
  }

  public double km() {
    return km;
  }

  /** Q_k: probability that a pulse of class {@code k} gives a click (afterpulses included). */
  public double detectionProbability(Intensity k) {
    return detection[k.ordinal()];
  }

  /** E_k of the Z basis: {@link #errorRate(Intensity, boolean) errorRate(k, false)}. */
  public double errorRate(Intensity k) {
    return errorRate(k, false);
  }

  /**
   * E_k: probability that a click of class {@code k} in the matching basis, the X basis if
   * {@code xBasis} and else Z, gives a wrong bit.
   */
  public double errorRate(Intensity k, boolean xBasis) {
    return (xBasis ? errorRateX : errorRateZ)[k.ordinal()];
  }

  /** Alice's view of {@code frame}. */
  public Bb84AliceView aliceView(long frame) {
    requireFrame(frame);
    return new Bb84AliceView(frame, params.frameSlots(),
        CounterRandom.frameKey(linkSeed, frame, CounterRandom.ALICE_DOMAIN), preparation);
  }

  /** What Alice sent in {@code slot} of {@code frame}. */
  public AliceSlot alice(long frame, int slot) {
    return aliceView(frame).slot(slot);
  }

  /** Bob's view of {@code frame}: his clicks, bases and bits. */
  public Bb84BobView bobView(long frame) {
    requireFrame(frame);
    return new ClickRun(frame).run();
  }

  private int expectedCapacity() {
    double perPulse = 0;
    for (int i = 0; i < 3; i++) {
      perPulse += preparation.probability(i) * detection[i];
    }
    double mean = perPulse * params.frameSlots();
    return (int) Math.min(params.frameSlots(), mean + 6 * Math.sqrt(mean) + 64);
  }

  private static void requireFrame(long frame) {
    if (frame < 0) {
      throw new IllegalArgumentException("frame must be >= 0, got " + frame);
    }
  }

  @Override
  public String toString() {
    return "Bb84Simulator[km=" + km + ", Q_mu=" + detection[0] + "]";
  }

  /**
   * One frame's generation, in chunks of candidates with each stage a simple loop (gaps;
   * Alice's values; branch-free decisions): data-dependent branches, not arithmetic, dominate the
   * cost of a branchy per-candidate loop.
   */
  private final class ClickRun {
    private static final int CHUNK = 4096;
    private final long frame;
    private final int frameSlots;
    private final long aliceKey;
    private final long channelKey;
    private final long darkKey;
    private long channelIndex;
    private long darkIndex;
    private long nextDarkSlot;
    private long nextDarkValue;
    private final int[] candidates = new int[CHUNK];
    private final long[] channelValues = new long[CHUNK];
    private final long[] aliceValues = new long[CHUNK];
    private int pending;
    private int size;
    private int[] slots;
    private long[] xBasis;
    private long[] bits;

    ClickRun(long frame) {
      this.frame = frame;
      frameSlots = params.frameSlots();
      aliceKey = CounterRandom.frameKey(linkSeed, frame, CounterRandom.ALICE_DOMAIN);
      channelKey = CounterRandom.frameKey(linkSeed, frame, CounterRandom.CHANNEL_DOMAIN);
      darkKey = CounterRandom.frameKey(linkSeed, frame, CounterRandom.DARK_DOMAIN);
      int c = Math.max(64, expectedCapacity());
      slots = new int[c];
      xBasis = new long[(c + 63) >>> 6];
      bits = new long[(c + 63) >>> 6];
    }

    Bb84BobView run() {
      nextDarkSlot = -1;
      advanceDark();
      if (photonGaps != null) {
        GapSampler gaps = photonGaps;
        int tail = gaps.tableSize();
        long slot = -1;
        // Each iteration advances at least one slot, so this ends within frameSlots iterations.
        while (true) {
          long c = CounterRandom.at(channelKey, channelIndex++);
          int g = gaps.gap((int) (c >>> GAP_SHIFT));
          slot += g == tail ? tail : g + 1;
          if (slot >= frameSlots) {
            break;
          }
          if (g == tail) {
            continue;
          }
          if (slot >= nextDarkSlot) {
            addDarksUpTo(slot);
          }
          int flags = PHOTON;
          if (slot == nextDarkSlot) {
            flags |= DARK;
            advanceDark();
          }
          add((int) slot | flags, c);
        }
      }
      addDarksUpTo(frameSlots);
      decide();
      return new Bb84BobView(frame, frameSlots, size, slots, xBasis, bits);
    }

    /** Queues the dark counts before {@code slot} as clicks without photons. */
    private void addDarksUpTo(long slot) {
      while (nextDarkSlot < slot) {
        add((int) nextDarkSlot | DARK, nextDarkValue);
        advanceDark();
      }
    }

    private void advanceDark() {
      if (darkGaps == null) {
        nextDarkSlot = Long.MAX_VALUE;
        return;
      }
      int tail = darkGaps.tableSize();
      long slot = nextDarkSlot;
      while (slot < frameSlots) {
        long v = CounterRandom.at(darkKey, darkIndex++);
        int g = darkGaps.gap((int) (v >>> GAP_SHIFT));
        slot += g == tail ? tail : g + 1;
        if (g != tail && slot < frameSlots) {
          nextDarkSlot = slot;
          nextDarkValue = v;
          return;
        }
      }
      nextDarkSlot = Long.MAX_VALUE;
    }

    private void add(int candidate, long channelValue) {
      candidates[pending] = candidate;
      channelValues[pending] = channelValue;
      if (++pending == CHUNK) {
        decide();
      }
    }

    /** Turns the queued candidates into clicks (or nothing), in slot order. */
    private void decide() {
      int n = pending;
      pending = 0;
      final int[] cand = candidates;
      final long[] av = aliceValues;
      for (int i = 0; i < n; i++) {
        av[i] = preparation.value(aliceKey, cand[i] & SLOT_MASK);
      }
      ensureRoom(n);
      final long[] thin = thinBelow;
      final Preparation prep = preparation;
      final long[] cv = channelValues;
      final int[] outSlots = slots;
      final long[] outX = xBasis;
      final long[] outBits = bits;
      int out = size;
      long xWord = outX[out >>> 6];
      long bitWord = outBits[out >>> 6];
      for (int i = 0; i < n; i++) {
        int candidate = cand[i];
        long a = av[i];
        long c = cv[i];
        // Booleans as 0/1 longs from sign bits keep this loop free of unpredictable branches.
        long photon = (candidate >>> 30) & 1;
        long dark = (candidate >>> 31) & 1;
        long thinned = ((((c >>> THIN_SHIFT) & ((1L << THIN_BITS) - 1)) - thin[prep.intensityBranchFree(a)]) >>> 63);
        long photonClick = photon & thinned;
        long accept = photonClick | dark;
        long bobX = ((((c >>> BASIS_SHIFT) & ((1L << BASIS_BITS) - 1)) - bobZBelow) >>> 63) ^ 1;
        // The threshold of Bob's basis, chosen by arithmetic rather than a branch.
        long errorBelow = errorBelowZ + bobX * (errorBelowX - errorBelowZ);
        long error = (((c >>> ERROR_SHIFT) & ((1L << ERROR_BITS) - 1)) - errorBelow) >>> 63;
        long random = (photonClick ^ 1) | bobX ^ prep.xBasisBit(a);
        long bit = (random & c & 1) | ((random ^ 1) & (a ^ error) & 1);
        outSlots[out] = candidate & SLOT_MASK;
        xWord |= (bobX & accept) << out;
        bitWord |= (bit & accept) << out;
        int next = out + (int) accept;
        if ((next >>> 6) != (out >>> 6)) {
          outX[out >>> 6] = xWord;
          outBits[out >>> 6] = bitWord;
          xWord = 0;
          bitWord = 0;
        }
        out = next;
      }
      outX[out >>> 6] = xWord;
      outBits[out >>> 6] = bitWord;
      size = out;
    }

    private void ensureRoom(int more) {
      // One spare word: decide() stores the partial word at index size / 64.
      if (size + more + 64 <= slots.length) {
        return;
      }
      int c = (int) Math.min(Integer.MAX_VALUE - 64L, Math.max(2L * slots.length, (long) size + more + 64));
      slots = Arrays.copyOf(slots, c);
      xBasis = Arrays.copyOf(xBasis, (c + 63) >>> 6);
      long[] old = bits;
      bits = Arrays.copyOf(old, (c + 63) >>> 6);
      Arrays.fill(old, 0); // Bob's bits may become key: leave no copy behind
    }
  }
}
