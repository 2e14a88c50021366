package org.qkdnet.qnode.keystore;

/**
 * The key supply of one link as this end sees it (figures only).
 *
 * @param assigner whether this end creates the link's direction assignments (the lower id)
 * @param linkBytes key bytes of every frame appended so far
 * @param unassigned fresh key not yet assigned to a direction
 * @param pendingSend assigner only: bytes assigned toward the peer that the peer has not yet
 *     confirmed; not usable until it does
 * @param nextSeq assigner: next entry it creates; other end: next entry it applies
 * @param peerNextSeq assigner: entries below this are known applied by the peer
 */
public record LinkSupply(
    boolean assigner, long linkBytes, long unassigned, long pendingSend, long nextSeq, long peerNextSeq) {}
