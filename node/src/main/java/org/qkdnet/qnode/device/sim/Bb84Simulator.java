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
  // The kind of a candidate: a photon candidate, a dark count, or both in one slot.
  private static final long PHOTON = 1;
  private static final long DARK = 2;

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
   * One frame's generation in stages, each a simple loop over a chunk: the channel values of the
   * next draws; the gaps, which give the candidates' slots; Alice's values and the branch-free
   * decisions; the packing of the clicks. Data-dependent branches, not arithmetic, dominate the
   * cost of a branchy per-candidate loop. The first stage and the decisions are straight-line
   * long arithmetic over arrays, which the JIT compiles to SIMD instructions (several candidates
   * per instruction), but only for a small loop body: C2 unrolls, and so vectorizes, a loop of
   * at most LoopUnrollLimit (60) nodes. Hence the decisions are four short loops passing their
   * results in arrays, and slots and kinds are separate arrays of longs (an int-to-long
   * conversion or a mask before Alice's mixing already made that loop too big).
   */
  private final class ClickRun {
    private static final int CHUNK = CounterRandom.FILL_MAX;
    private final long frame;
    private final int frameSlots;
    private final long aliceKey;
    private final long channelKey;
    private final long darkKey;
    private long darkIndex;
    private long nextDarkSlot;
    private long nextDarkValue;
    // Slot of the last photon draw: a candidate, or the last slot of a tail draw's run.
    private long lastDraw;
    private final long[] draws = new long[CHUNK];
    // The queued candidates: slot, kind, channel value.
    private final long[] queuedSlots = new long[CHUNK];
    private final long[] kinds = new long[CHUNK];
    private final long[] channelValues = new long[CHUNK];
    // The decisions' stages: Alice's value in the slot; 1 for a photon click (a kept photon
    // candidate); Bob's basis (bit 0, 1 for X) and whether a photon click in the matching basis
    // flips the random bit to Alice's (bit 1); the outcome (bit 0 click, bit 1 Bob's basis is X,
    // bit 2 his bit, all 0 without a click).
    private final long[] aliceValues = new long[CHUNK];
    private final long[] photonClicks = new long[CHUNK];
    private final long[] bobValues = new long[CHUNK];
    private final long[] outcomes = new long[CHUNK];
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
        addPhotonCandidates();
      }
      addDarksUpTo(frameSlots);
      decide();
      // The stages' arrays held Alice's values and Bob's bits: leave no copy behind.
      Arrays.fill(aliceValues, 0);
      Arrays.fill(bobValues, 0);
      Arrays.fill(outcomes, 0);
      return new Bb84BobView(frame, frameSlots, size, slots, xBasis, bits);
    }

    /** Queues the photon candidates of the frame, with the dark counts between them. */
    private void addPhotonCandidates() {
      lastDraw = -1;
      // Each draw advances at least one slot, so this ends within frameSlots draws. The draws
      // computed past the frame's end (fewer than a chunk) are wasted, and cheap.
      for (long first = 0; ; first += CHUNK) {
        CounterRandom.fill(channelKey, first, draws);
        int i = 0;
        while (i < CHUNK) {
          i = addPlainCandidates(i);
          if (i < CHUNK && !addDraw(draws[i++])) {
            return;
          }
        }
      }
    }

    /**
     * The common case in a loop of its own: queues the draws from {@code from} on for as long as
     * each is a photon candidate and nothing else happens (no tail draw, no dark count before
     * or in its slot, not the frame's end) and the queue has room. Returns the index of the
     * first draw not taken. A general loop, with a branch and stores of kind and channel value
     * per draw, took about twice as long per candidate.
     */
    private int addPlainCandidates(int from) {
      final GapSampler gaps = photonGaps;
      final int tail = gaps.tableSize();
      final long[] draw = draws;
      final long[] qs = queuedSlots;
      final long limit = Math.min(nextDarkSlot, frameSlots);
      final int n = pending;
      final int end = Math.min(CHUNK, from + CHUNK - n);
      final int offset = n - from;
      long slot = lastDraw;
      int i = from;
      for (; i < end; i++) {
        int g = gaps.gap((int) (draw[i] >>> GAP_SHIFT));
        long next = slot + g + 1;
        if (g == tail || next >= limit) {
          break;
        }
        slot = next;
        qs[offset + i] = slot;
      }
      int m = i - from;
      System.arraycopy(draw, from, channelValues, n, m);
      Arrays.fill(kinds, n, n + m, PHOTON);
      lastDraw = slot;
      pending = n + m;
      if (pending == CHUNK) {
        decide();
      }
      return i;
    }

    /** Takes one draw in the general case; false once past the frame's end. */
    private boolean addDraw(long c) {
      int tail = photonGaps.tableSize();
      int g = photonGaps.gap((int) (c >>> GAP_SHIFT));
      long slot = lastDraw + (g == tail ? tail : g + 1);
      lastDraw = slot;
      if (slot >= frameSlots) {
        return false;
      }
      if (g != tail) {
        long kind = PHOTON;
        if (slot >= nextDarkSlot) {
          addDarksUpTo(slot);
          if (slot == nextDarkSlot) {
            kind |= DARK;
            advanceDark();
          }
        }
        add(slot, kind, c);
      }
      return true;
    }

    /** Queues the dark counts before {@code slot} as clicks without photons. */
    private void addDarksUpTo(long slot) {
      while (nextDarkSlot < slot) {
        add(nextDarkSlot, DARK, nextDarkValue);
        advanceDark();
      }
    }

    private void add(long slot, long kind, long channelValue) {
      queuedSlots[pending] = slot;
      kinds[pending] = kind;
      channelValues[pending] = channelValue;
      if (++pending == CHUNK) {
        decide();
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

    /** Turns the queued candidates into clicks (or nothing), in slot order. */
    private void decide() {
      int n = pending;
      pending = 0;
      decideOutcomes(n);
      pack(n);
    }

    /**
     * The outcome of each queued candidate. Only lane-wise long arithmetic, no branches, no
     * table reads: booleans are 0/1 longs from sign bits and choices are masks.
     */
    private void decideOutcomes(int n) {
      final long[] qs = queuedSlots;
      final long[] kind = kinds;
      final long[] cv = channelValues;
      final long[] av = aliceValues;
      final long[] photonClick = photonClicks;
      final long[] bob = bobValues;
      final long[] outcome = outcomes;
      final Preparation prep = preparation;
      final long key = aliceKey;
      for (int i = 0; i < n; i++) {
        av[i] = prep.value(key, qs[i]);
      }
      final long thinSignal = thinBelow[0];
      final long thinDecoyStep = thinBelow[1] - thinBelow[0];
      final long thinVacuumStep = thinBelow[2] - thinBelow[1];
      for (int i = 0; i < n; i++) {
        long a = av[i];
        // thinBelow of Alice's class: the signal's, plus a step for each class threshold passed.
        long thin = thinSignal + (thinDecoyStep & prep.notSignalMask(a)) + (thinVacuumStep & prep.vacuumMask(a));
        long thinned = (((cv[i] >>> THIN_SHIFT) & ((1L << THIN_BITS) - 1)) - thin) >>> 63;
        photonClick[i] = kind[i] & PHOTON & thinned;
      }
      final long zBelow = bobZBelow;
      final long errorZ = errorBelowZ;
      final long errorXStep = errorBelowX - errorBelowZ;
      for (int i = 0; i < n; i++) {
        long a = av[i];
        long c = cv[i];
        long bobX = (zBelow - 1 - ((c >>> BASIS_SHIFT) & ((1L << BASIS_BITS) - 1))) >>> 63;
        long errorBelow = errorZ + (errorXStep & -bobX);
        long error = (((c >>> ERROR_SHIFT) & ((1L << ERROR_BITS) - 1)) - errorBelow) >>> 63;
        long basesMatch = 1 ^ bobX ^ prep.xBasisBit(a);
        // Bit 0 of c is the outcome of a random click; a photon click in the matching basis
        // gives Alice's bit instead, flipped on an error.
        long flip = basesMatch & (c ^ a ^ error) & 1;
        bob[i] = bobX | flip << 1;
      }
      for (int i = 0; i < n; i++) {
        long p = photonClick[i];
        long b = bob[i];
        long click = p | kind[i] >>> 1;
        long bit = (cv[i] ^ (b >>> 1 & p)) & 1;
        outcome[i] = (1 | (b & 1) << 1 | bit << 2) & (click << 2 | click << 1 | click);
      }
    }

    /** Appends the clicks among the queued candidates to the frame's slots, bases and bits. */
    private void pack(int n) {
      ensureRoom(n);
      final long[] qs = queuedSlots;
      final long[] outcome = outcomes;
      final int[] outSlots = slots;
      final long[] outX = xBasis;
      final long[] outBits = bits;
      int out = size;
      long xWord = outX[out >>> 6];
      long bitWord = outBits[out >>> 6];
      for (int i = 0; i < n; i++) {
        long o = outcome[i];
        // Written for every candidate, kept (out advanced) only for a click: no branch.
        outSlots[out] = (int) qs[i];
        xWord |= ((o >>> 1) & 1) << out;
        bitWord |= (o >>> 2) << out;
        int next = out + (int) (o & 1);
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
      // One spare word: pack() stores the partial word at index size / 64.
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
