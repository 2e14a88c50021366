package org.qkdnet.qnode.keystore;

/**
 * What the non-assigning end did with entries it received.
 *
 * @param nextSeq the next entry it expects (every entry below is applied)
 * @param linkBytes its link bytes (lets the assigner assign only key both ends hold)
 * @param applied entries newly applied by this call
 * @param stopped empty, or why it stopped before the end of the list (e.g. an entry beyond the
 *     frames this end holds yet: the assigner sends it again later)
 */
public record ApplyResult(long nextSeq, long linkBytes, int applied, String stopped) {}
