package org.qkdnet.qnode.link.bb84;

/** Alice's answer to a commit: whether she appended, and the pool frame id she expects next. */
public record CommitResult(boolean appended, String detail, long nextPoolFrameId) {}
