package org.qkdnet.qnode.link.bb84;

import java.time.InstantSource;
import java.util.Objects;
import org.qkdnet.qnode.config.Bb84Settings;
import org.qkdnet.qnode.device.QkdDevice.LinkEnds;
import org.qkdnet.qnode.device.sim.Bb84Simulator;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.postprocessing.estimation.AuthenticationCost;
import org.qkdnet.qnode.postprocessing.estimation.FiniteKeyBound;
import org.qkdnet.qnode.postprocessing.estimation.FrameCheck;

/**
 * One end of a link whose device is the raw-detection BB84 simulator: what both ends share
 * (settings, the key store, the figures). The end reads only its own simulator view: Alice
 * (lower station id, the transmitter) {@code aliceView}, Bob {@code bobView}.
 */
public final class Bb84LinkEnd {
  private final String self;
  private final String peer;
  private final LinkEnds link;
  private final Bb84Simulator simulator;
  private final Bb84Settings settings;
  private final StationKeyStore store;
  private final long maxPoolBytes;
  private final double speedup;
  private final long minFramePeriodNanos;
  private final LinkStats stats;
  private final AliceFrames alice;
  private volatile ParityAnswerer answerer;
  private final FrameCheck frameCheck;
  private final FiniteKeyBound bound;

  public Bb84LinkEnd(String self, LinkEnds link, String seed, Bb84Settings settings, StationKeyStore store,
      long maxPoolBytes, double speedup, long minFramePeriodNanos) {
    this(self, link, seed, settings, store, maxPoolBytes, speedup, minFramePeriodNanos, InstantSource.system());
  }

  /** @param wallClock the station's wall clock, for the time key last reached the pool ({@link LinkStats}) */
  public Bb84LinkEnd(String self, LinkEnds link, String seed, Bb84Settings settings, StationKeyStore store,
      long maxPoolBytes, double speedup, long minFramePeriodNanos, InstantSource wallClock) {
    this.self = Objects.requireNonNull(self, "self");
    this.link = Objects.requireNonNull(link, "link");
    this.peer = link.peerOf(self);
    this.settings = Objects.requireNonNull(settings, "settings");
    this.simulator = new Bb84Simulator(link, seed, settings.params());
    this.store = Objects.requireNonNull(store, "store");
    this.maxPoolBytes = maxPoolBytes;
    this.speedup = speedup;
    this.minFramePeriodNanos = minFramePeriodNanos;
    this.stats = new LinkStats(System.nanoTime(), wallClock);
    this.frameCheck = new FrameCheck(settings.abortQber());
    this.bound = settings.params().finiteKeyBound(settings.eps());
    this.alice = isAlice() ? new AliceFrames(this) : null;
  }

  public String self() {
    return self;
  }

  public String peer() {
    return peer;
  }

  public LinkEnds link() {
    return link;
  }

  public boolean isAlice() {
    return link.isAlice(self);
  }

  Bb84Simulator simulator() {
    return simulator;
  }

  public Bb84Settings settings() {
    return settings;
  }

  StationKeyStore store() {
    return store;
  }

  public LinkStats stats() {
    return stats;
  }

  /** Alice's frame state; only at Alice's end. */
  public AliceFrames alice() {
    if (alice == null) {
      throw new IllegalStateException(self + " is Bob on link " + link + ": it answers no post-processing calls");
    }
    return alice;
  }

  /** Alice: routes parity questions to her reconciliation actor once it runs. */
  public void answerer(ParityAnswerer a) {
    this.answerer = a;
  }

  /** Alice's reconciliation entry; null until her actor runs. */
  public ParityAnswerer answerer() {
    return answerer;
  }

  FrameCheck frameCheck() {
    return frameCheck;
  }

  /** The finite-key bound of this link's blocks. */
  public FiniteKeyBound bound() {
    return bound;
  }

  /**
   * What one frame discloses about its key, as both ends count it: Cascade parities, the
   * verification tag and one Wegman–Carter tag per direction over the frame's transcript.
   */
  static long frameLeakBits(long detections, long sifted, long disclosed, long leakEc, int tagBits, long keyBits) {
    return leakEc + tagBits + AuthenticationCost.frameBits(detections, sifted, disclosed, leakEc, keyBits);
  }

  /**
   * Wall-clock nanoseconds between two raw frames: one frame of pulses scaled by the speedup, but
   * no less than the device's frame period (qnode.device.frame-period), which caps the CPU a
   * link may take: the rates then reflect the slower, scaled time.
   */
  public long framePeriodNanos() {
    double seconds = settings.params().frameSlots() / settings.params().pulseRateHz() / speedup;
    return Math.max(Math.max(1L, minFramePeriodNanos), (long) (seconds * 1e9));
  }

  /** Bytes this end still holds unused: both directions and the unassigned key (the pool cap counts all). */
  public long storedBytes() {
    return store.storedBytes(peer);
  }

  /** True while an operator has taken the link down: no new raw frames. */
  private volatile boolean adminDown;

  public void adminDown(boolean down) {
    adminDown = down;
  }

  /** Whether the pool has room for another frame of about {@code bytes} (never while the link is down by an operator). */
  public boolean hasRoom(long bytes) {
    return !adminDown && storedBytes() + bytes <= maxPoolBytes;
  }

  public long nextPoolFrameId() {
    return store.nextFrameId(peer);
  }

  /** Secure length in whole bytes, as both ends round it. */
  static long roundToBytes(long bits) {
    return bits - bits % 8;
  }

  @Override
  public String toString() {
    return "Bb84LinkEnd[" + link + ", " + (isAlice() ? "Alice" : "Bob") + " at " + self + "]";
  }
}
