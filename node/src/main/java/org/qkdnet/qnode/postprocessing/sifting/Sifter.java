package org.qkdnet.qnode.postprocessing.sifting;

import java.util.Arrays;
import org.qkdnet.qnode.device.sim.Bb84AliceView;
import org.qkdnet.qnode.device.sim.Bb84BobView;

/**
 * BB84 sifting, both ends. Bob announces his detected slots and bases; Alice keeps the slots
 * where her basis matches and answers the match mask and, for the matching slots, her intensity
 * classes (decoy-state BB84 reveals the classes after the fact). Both ends then hold the same
 * ordered list of sifted slots. Pure functions: bad input throws and changes nothing.
 */
public final class Sifter {
  private Sifter() {}

  /** Alice's answer and her sifted frame. */
  public record AliceSifting(SiftingReply reply, SiftedFrame sifted) {}

  /** Bob's announcement of {@code bob}'s detections. */
  public static SiftingAnnouncement announce(Bb84BobView bob) {
    int n = bob.detections();
    long[] x = new long[words(n)];
    for (int w = 0; w < x.length; w++) {
      x[w] = bob.xBasisWord(w);
    }
    return new SiftingAnnouncement(bob.frame(), bob.slots(), BitString.of(x, n));
  }

  /** Alice's side: match {@code announcement} against what she sent. */
  public static AliceSifting alice(Bb84AliceView alice, SiftingAnnouncement announcement) {
    if (announcement.frame() != alice.frame()) {
      throw new IllegalArgumentException("announcement is for frame " + announcement.frame()
          + ", Alice's view is frame " + alice.frame());
    }
    int n = announcement.size();
    if (n > 0 && announcement.slot(n - 1) >= alice.frameSlots()) {
      throw new IllegalArgumentException("announced slot " + announcement.slot(n - 1)
          + " is outside the frame of " + alice.frameSlots() + " slots");
    }
    int[] slots = announcement.slots();
    long[] x = new long[words(n)];
    long[] bits = new long[x.length];
    byte[] classes = new byte[n];
    long[] match = new long[x.length];
    BitString bobX = announcement.xBasis();
    for (int w = 0; w < x.length; w++) {
      int base = w << 6;
      int end = Math.min(64, n - base);
      long xw = 0;
      long bw = 0;
      for (int b = 0; b < end; b++) {
        // Alice's slot packed: bit 0 her bit, bit 1 X basis, bits 2-3 intensity code.
        int a = alice.packed(slots[base + b]);
        xw |= (long) ((a >>> 1) & 1) << b;
        bw |= (long) (a & 1) << b;
        classes[base + b] = (byte) (a >>> 2);
      }
      x[w] = xw;
      bits[w] = bw;
      match[w] = ~(xw ^ bobX.word(w)) & lowBits(end);
    }
    Columns sifted = Columns.compact(n, slots, x, bits, classes, match);
    Arrays.fill(bits, 0);
    byte[] matchedClasses = Arrays.copyOf(sifted.intensities, sifted.size);
    return new AliceSifting(new SiftingReply(alice.frame(), BitString.of(match, n), matchedClasses),
        sifted.build(alice.frame()));
  }

  /** Bob's side: keep the detections Alice's {@code reply} marks as matching. */
  public static SiftedFrame bob(Bb84BobView bob, SiftingReply reply) {
    if (reply.frame() != bob.frame()) {
      throw new IllegalArgumentException("reply is for frame " + reply.frame() + ", Bob's view is frame "
          + bob.frame());
    }
    int n = bob.detections();
    if (reply.match().length() != n) {
      throw new IllegalArgumentException("reply matches " + reply.match().length()
          + " detections, Bob announced " + n);
    }
    BitString match = reply.match();
    long[] x = new long[words(n)];
    long[] bits = new long[x.length];
    long[] keep = new long[x.length];
    for (int w = 0; w < x.length; w++) {
      x[w] = bob.xBasisWord(w);
      bits[w] = bob.bitWord(w);
      keep[w] = match.word(w);
    }
    Columns sifted = Columns.compact(n, bob.slots(), x, bits, null, keep);
    Arrays.fill(bits, 0);
    sifted.intensities = reply.intensities();
    return sifted.build(bob.frame());
  }

  private static int words(int bits) {
    return (bits + 63) >>> 6;
  }

  /** The lowest {@code n} bits set, 1 <= n <= 64. */
  private static long lowBits(int n) {
    return -1L >>> (64 - n);
  }

  /** The columns of a sifted frame. */
  private static final class Columns {
    int size;
    int[] slots;
    long[] xBasis;
    byte[] intensities;
    long[] bits;

    /**
     * The detections whose bit is set in {@code keep}, in order: their slots, basis and bit words
     * (bit i of word i / 64 per detection) and, if given, intensity classes. Branch-free: every
     * detection is written at the next free position, which advances only for a kept one; the
     * basis and bit words fill up in registers.
     */
    static Columns compact(int n, int[] slots, long[] x, long[] bits, byte[] classes, long[] keep) {
      Columns c = new Columns();
      int[] outSlots = new int[Math.max(1, n)];
      byte[] outClasses = classes == null ? null : new byte[outSlots.length];
      long[] outX = new long[x.length + 1];
      long[] outBits = new long[x.length + 1];
      int size = 0;
      long xAcc = 0;
      long bitAcc = 0;
      for (int w = 0; w < x.length; w++) {
        int base = w << 6;
        int end = Math.min(64, n - base);
        long k = keep[w];
        long xk = x[w] & k;
        long bk = bits[w] & k;
        for (int b = 0; b < end; b++) {
          int kept = (int) ((k >>> b) & 1);
          outSlots[size] = slots[base + b];
          if (outClasses != null) {
            outClasses[size] = classes[base + b];
          }
          xAcc |= ((xk >>> b) & 1) << size;
          bitAcc |= ((bk >>> b) & 1) << size;
          int next = size + kept;
          if ((next & 63) == 0 && kept != 0) {
            outX[size >>> 6] = xAcc;
            outBits[size >>> 6] = bitAcc;
            xAcc = 0;
            bitAcc = 0;
          }
          size = next;
        }
      }
      outX[size >>> 6] = xAcc;
      outBits[size >>> 6] = bitAcc;
      c.size = size;
      c.slots = outSlots;
      c.xBasis = outX;
      c.intensities = outClasses;
      c.bits = outBits;
      return c;
    }

    SiftedFrame build(long frame) {
      return new SiftedFrame(frame, size, slots, xBasis, intensities, bits);
    }
  }
}
