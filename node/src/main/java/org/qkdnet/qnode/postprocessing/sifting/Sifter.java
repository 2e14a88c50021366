package org.qkdnet.qnode.postprocessing.sifting;

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
    BitString.Builder x = new BitString.Builder(n);
    for (int i = 0; i < n; i++) {
      x.add(bob.isX(i));
    }
    return new SiftingAnnouncement(bob.frame(), bob.slots(), x.build());
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
    BitString bobX = announcement.xBasis();
    BitString.Builder match = new BitString.Builder(n);
    Columns sifted = new Columns(n);
    for (int i = 0; i < n; i++) {
      int slot = announcement.slot(i);
      // Alice's slot packed: bit 0 her bit, bit 1 X basis, bits 2-3 intensity code.
      int a = alice.packed(slot);
      boolean x = (a & 2) != 0;
      boolean matches = x == bobX.get(i);
      match.add(matches);
      if (matches) {
        sifted.add(slot, x, (byte) (a >>> 2), a & 1);
      }
    }
    byte[] classes = java.util.Arrays.copyOf(sifted.intensities, sifted.size);
    return new AliceSifting(new SiftingReply(alice.frame(), match.build(), classes),
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
    Columns sifted = new Columns(match.cardinality());
    int j = 0;
    for (int i = 0; i < n; i++) {
      if (match.get(i)) {
        sifted.add(bob.slot(i), bob.isX(i), reply.intensity(j++), bob.bit(i));
      }
    }
    return sifted.build(bob.frame());
  }

  /** Growable columns of a sifted frame under construction. */
  private static final class Columns {
    int size;
    int[] slots;
    long[] xBasis;
    byte[] intensities;
    long[] bits;

    Columns(int capacity) {
      int c = Math.max(1, capacity);
      slots = new int[c];
      xBasis = new long[(c + 63) >>> 6];
      intensities = new byte[c];
      bits = new long[(c + 63) >>> 6];
    }

    void add(int slot, boolean x, byte intensity, int bit) {
      // Capacity is the announced count, an upper bound of the matches: no growth needed.
      slots[size] = slot;
      intensities[size] = intensity;
      if (x) {
        xBasis[size >>> 6] |= 1L << size;
      }
      bits[size >>> 6] |= (long) bit << size;
      size++;
    }

    SiftedFrame build(long frame) {
      return new SiftedFrame(frame, size, slots, xBasis, intensities, bits);
    }
  }
}
