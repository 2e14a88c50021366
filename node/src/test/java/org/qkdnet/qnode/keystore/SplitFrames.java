package org.qkdnet.qnode.keystore;

import java.util.ArrayList;
import java.util.List;
import org.qkdnet.qnode.crypto.KeyMaterial;

/**
 * For tests about pads rather than key supply: appends a frame and assigns it at once, half to
 * each direction (the first floor(len/2) bytes toward the higher id, the rest toward the lower),
 * the way both ends of a link would after the assignment exchange, without a peer.
 */
public final class SplitFrames {
  private SplitFrames() {}

  /** {@link StationKeyStore#appendFrame}, then the half/half assignment if it was appended. */
  public static boolean append(StationKeyStore store, String peer, long frameId, KeyMaterial frame) {
    if (!store.appendFrame(peer, frameId, frame)) {
      return false;
    }
    split(store, peer, frame.length());
    return true;
  }

  /** Assigns the next {@code length} unassigned bytes of the link half/half, as above. */
  public static void split(StationKeyStore store, String peer, int length) {
    String self = store.selfStationId();
    String lo = self.compareTo(peer) < 0 ? self : peer;
    String hi = lo.equals(self) ? peer : self;
    LinkSupply before = store.supply(peer);
    int half = length / 2;
    int rest = length - half;
    if (before.assigner()) {
      if (half > 0) {
        store.assign(peer, hi, half, Long.MAX_VALUE).orElseThrow();
      }
      store.assign(peer, lo, rest, Long.MAX_VALUE).orElseThrow();
      store.confirmAssignments(peer, store.supply(peer).nextSeq());
      return;
    }
    // this end is hi: lo->hi is its receiving stream, hi->lo its sending stream
    long sendAt = store.ledger(new StreamId(self, peer)).generated();
    long recvAt = store.ledger(new StreamId(peer, self)).generated();
    long link = before.linkBytes() - before.unassigned();
    List<AssignmentEntry> entries = new ArrayList<>();
    long seq = before.nextSeq();
    if (half > 0) {
      entries.add(new AssignmentEntry(seq++, link, half, hi, recvAt));
    }
    entries.add(new AssignmentEntry(seq, link + half, rest, lo, sendAt));
    ApplyResult r = store.applyAssignments(peer, entries);
    if (r.applied() != entries.size()) {
      throw new IllegalStateException("split not applied: " + r);
    }
  }
}
