package org.qkdnet.qnode.keystore;

import java.util.Optional;

/**
 * One end's account of a link, exchanged between the two ends over LinkService to catch a store
 * that was rolled back (restored from a backup) or wiped before it reuses pad (issue 10 item 2).
 * Counters only, never key material.
 *
 * @param epoch the link's epoch both ends agreed on (0: none yet)
 * @param linkBytes key bytes the link ever generated at this end
 * @param sendCursor this end's sending stream: bytes reserved so far (every pad below was handed
 *     out)
 * @param sendUsed bytes of the sending stream settled USED (the peer confirmed taking them)
 * @param recvHigh this end's receiving stream: the end of the highest range accepted or burned
 * @param recvUsed bytes of the receiving stream accepted
 */
public record LinkAudit(long epoch, long linkBytes, long sendCursor, long sendUsed, long recvHigh, long recvUsed) {

  /**
   * What this end concludes from the peer's account {@code peer} (taken by the peer between
   * {@code before} and {@code after}, this end's own accounts just before the exchange and just
   * after the answer). Sound against the traffic in flight meanwhile: a stream only grows, so each
   * comparison takes the side that can only be ahead from the older account.
   *
   * @return the problem, or empty if both ends' histories fit together
   */
  public static Optional<String> problem(LinkAudit before, LinkAudit after, LinkAudit peer) {
    if (before.epoch != 0 && peer.epoch != 0 && before.epoch != peer.epoch) {
      return Optional.of("link epochs differ (" + Long.toHexString(before.epoch) + " here, "
          + Long.toHexString(peer.epoch) + " at the peer): one end's store is from another epoch (a restored backup)");
    }
    // the peer consumed pad of our sending stream that we never handed out: our store is older
    // than what we sent (restored from a backup, or wiped)
    if (peer.recvHigh > after.sendCursor) {
      return Optional.of("the peer consumed our sending stream up to " + peer.recvHigh + " but this store has handed"
          + " out only " + after.sendCursor + " bytes: this store was rolled back or wiped; reusing that pad would"
          + " repeat it");
    }
    // the peer confirmed using pad we have no record of accepting: our receiving records are old,
    // and a replayed hop would be accepted again
    if (peer.sendUsed > after.recvUsed) {
      return Optional.of("the peer used " + peer.sendUsed + " bytes toward us but this store accepted only "
          + after.recvUsed + ": this store's receiving records were rolled back or wiped; a replayed hop would be"
          + " accepted again");
    }
    // the mirror images: the peer's store is the old one
    if (before.recvHigh > peer.sendCursor) {
      return Optional.of("we consumed the peer's sending stream up to " + before.recvHigh + " but the peer has handed"
          + " out only " + peer.sendCursor + " bytes: the peer's store was rolled back or wiped");
    }
    if (before.sendUsed > peer.recvUsed) {
      return Optional.of("we used " + before.sendUsed + " bytes toward the peer but the peer accepted only "
          + peer.recvUsed + ": the peer's receiving records were rolled back or wiped");
    }
    return Optional.empty();
  }
}
