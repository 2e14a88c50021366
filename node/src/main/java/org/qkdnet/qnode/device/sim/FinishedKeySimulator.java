package org.qkdnet.qnode.device.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.qkdnet.qnode.device.QkdDevice;
import org.qkdnet.qnode.crypto.KeyMaterial;

/**
 * A device pair that delivers finished key, the way vendor boxes do, at the finite-key secure rate
 * that bb84-sim's post-processing yields on average for the link's length (stations), or at the
 * asymptotic decoy-state rate of given physics (the older constructor, kept for relay tests).
 *
 * <p>Each end derives frame n on its own from the shared link seed and n with a counter-based
 * generator (AES-256 in CTR mode keyed by a hash of seed and link, IV = frame number), so the two
 * ends hold identical frames without ever exchanging key bytes. The seed models the shared
 * physical channel: it is a property of the simulation, not a secret of the network.
 */
public final class FinishedKeySimulator implements QkdDevice {
  private final LinkEnds link;
  private final double bitsPerSecond;
  private final SecretKeySpec frameKey;

  /**
   * The device of a link whose bb84-sim twin has {@code params}: finished key at the finite-key
   * rate the post-processing would yield on average ({@link FiniteKeyRate}, blocks of
   * {@code blockBits}, Cascade charged at f = 1.16), times the speedup.
   */
  public FinishedKeySimulator(LinkEnds link, String seed, Bb84Parameters params, long blockBits, int tagBits,
      org.qkdnet.qnode.postprocessing.estimation.EpsilonBudget eps, double speedup) {
    this(link, seed, FiniteKeyRate.secureBitsPerSecond(params, link.km(), blockBits, 1.16, tagBits, eps), speedup,
        true);
  }

  /** A device that yields {@code bitsPerSecond} of finished key (tests and tools that set the rate). */
  public static FinishedKeySimulator atRate(LinkEnds link, String seed, double bitsPerSecond) {
    if (!(bitsPerSecond > 0)) {
      throw new IllegalArgumentException("bits per second must be > 0, got " + bitsPerSecond);
    }
    return new FinishedKeySimulator(link, seed, bitsPerSecond, 1.0, true);
  }

  private FinishedKeySimulator(LinkEnds link, String seed, double bitsPerSecond, double speedup, boolean unused) {
    if (!(speedup > 0)) {
      throw new IllegalArgumentException("speedup must be > 0, got " + speedup);
    }
    this.link = link;
    this.bitsPerSecond = bitsPerSecond * speedup;
    this.frameKey = new SecretKeySpec(deriveKey(seed, link), "AES");
  }

  private static byte[] deriveKey(String seed, LinkEnds link) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("qnode-sim-finished-key-v1".getBytes(StandardCharsets.UTF_8));
      for (String part : new String[] {seed, link.lo(), link.hi()}) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
        sha.update(b);
      }
      return sha.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  @Override
  public LinkEnds link() {
    return link;
  }

  @Override
  public double secureBitsPerSecond() {
    return bitsPerSecond;
  }

  @Override
  public KeyMaterial frame(long frameId, int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("frame size must be positive, got " + bytes);
    }
    if (frameId < 0) {
      throw new IllegalArgumentException("frame id must be >= 0, got " + frameId);
    }
    byte[] iv = ByteBuffer.allocate(16).putLong(frameId).putLong(0).array();
    byte[] out = new byte[bytes];
    try {
      Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
      ctr.init(Cipher.ENCRYPT_MODE, frameKey, new IvParameterSpec(iv));
      byte[] stream = ctr.doFinal(new byte[bytes]);
      System.arraycopy(stream, 0, out, 0, bytes);
      Arrays.fill(stream, (byte) 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR unavailable", e);
    }
    return KeyMaterial.wrap(out);
  }

  @Override
  public String toString() {
    return "FinishedKeySimulator[" + link + ", " + Math.round(bitsPerSecond) + " bit/s]";
  }
}
