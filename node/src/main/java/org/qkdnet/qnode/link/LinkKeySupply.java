package org.qkdnet.qnode.link;

import java.time.InstantSource;
import org.qkdnet.qnode.device.FramePacer;
import org.qkdnet.qnode.device.QkdDevice;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.StationKeyStore;

/**
 * Moves key frames from one end's QKD device into the station's pool, in lock-step with the other
 * end (pure core; {@link LinkActor} drives it). Alice (lower station id) paces and announces;
 * Bob appends on announce and only then does Alice append, so Bob never lags Alice and both pools
 * hold the same frames under the same ids.
 */
public final class LinkKeySupply {
  private final String self;
  private final String peer;
  private final QkdDevice device;
  private final StationKeyStore store;
  private final long maxPoolBytes;
  private final int frameBytes;
  private final FramePacer pacer;
  private final InstantSource wallClock;
  /** Wall-clock time (epoch ms) this end last appended a frame; 0 before the first. */
  private volatile long lastFrameMillis;

  /**
   * @param frameBytes the link's frame size; both ends must compute the same value (Bob rejects
   *     announces of any other size, which catches mismatched configurations)
   * @param wallClock stamps the last frame appended (operators read it as a time of day)
   */
  public LinkKeySupply(String self, QkdDevice device, StationKeyStore store, long maxPoolBytes,
      int frameBytes, long nowNanos, InstantSource wallClock) {
    this.self = self;
    this.peer = device.link().peerOf(self);
    this.device = device;
    this.store = store;
    this.maxPoolBytes = maxPoolBytes;
    this.frameBytes = frameBytes;
    // a burst of at most one second of key (or two frames) after a pause
    long burst = Math.max(2L * frameBytes, (long) (device.secureBitsPerSecond() / 8));
    this.pacer = new FramePacer(device.secureBitsPerSecond(), frameBytes, burst, nowNanos);
    this.wallClock = wallClock;
  }

  /**
   * Wall-clock time (epoch ms) this end last appended a finished-key frame to its pool; 0 before
   * the first (and always for bb84-sim links, whose key comes from post-processing).
   */
  public long lastFrameMillis() {
    return lastFrameMillis;
  }

  public int frameBytes() {
    return frameBytes;
  }

  public String peer() {
    return peer;
  }

  public boolean isAlice() {
    return device.link().isAlice(self);
  }

  public QkdDevice device() {
    return device;
  }

  /** Bytes this end still holds unused: both directions and the unassigned key (the pool cap counts all). */
  /** The station's store this link's pool lives in. */
  public StationKeyStore store() {
    return store;
  }

  public long storedBytes() {
    return store.storedBytes(peer);
  }

  private long room() {
    return Math.max(0, maxPoolBytes - storedBytes());
  }

  /** True while an operator has taken the link down: no key frames. */
  private volatile boolean adminDown;

  public void adminDown(boolean down) {
    adminDown = down;
  }

  public boolean isAdminDown() {
    return adminDown;
  }

  /** Alice: whether the next frame should be announced now. */
  public boolean frameDue(long nowNanos) {
    return !adminDown && pacer.due(nowNanos, room());
  }

  public long nextFrameId() {
    return store.nextFrameId(peer);
  }

  /** Alice: Bob appended frame {@code frameId}; append it here too. */
  public synchronized void onPeerAppended(long frameId, int bytes) {
    try (KeyMaterial frame = device.frame(frameId, bytes)) {
      store.appendFrame(peer, frameId, frame);
    }
    lastFrameMillis = wallClock.millis();
    pacer.consume();
  }

  /** Bob: Alice announced frame {@code frameId} of {@code bytes}. */
  public synchronized FrameAnnounceResult onAnnounce(long frameId, int bytes) {
    long next = store.nextFrameId(peer);
    if (frameId < next) {
      return new FrameAnnounceResult(FrameAnnounceResult.Outcome.APPENDED, "already appended", next);
    }
    if (frameId > next) {
      return new FrameAnnounceResult(FrameAnnounceResult.Outcome.REJECTED,
          "frame " + frameId + " announced but " + self + " expects frame " + next, next);
    }
    if (adminDown) {
      return new FrameAnnounceResult(FrameAnnounceResult.Outcome.REJECTED, "link " + self + "-" + peer
          + " is down by an operator", next);
    }
    if (bytes != frameBytes) {
      return new FrameAnnounceResult(FrameAnnounceResult.Outcome.REJECTED, "frame size " + bytes
          + " announced but this end's device delivers frames of " + frameBytes
          + " bytes: the two ends are configured differently", next);
    }
    if (room() < bytes) {
      return new FrameAnnounceResult(FrameAnnounceResult.Outcome.POOL_FULL, "pool full", next);
    }
    try (KeyMaterial frame = device.frame(frameId, bytes)) {
      store.appendFrame(peer, frameId, frame);
    }
    lastFrameMillis = wallClock.millis();
    return new FrameAnnounceResult(FrameAnnounceResult.Outcome.APPENDED, "", frameId + 1);
  }
}
