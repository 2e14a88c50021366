package org.qkdnet.qnode.keystore;

/**
 * The two ends of a link disagree about its direction assignments (an entry differs from the one
 * applied, or does not continue where this end is): nothing was changed, and no further entry of
 * the link is applied until an operator re-keys it.
 */
public final class AssignmentConflictException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public AssignmentConflictException(String message) {
    super(message);
  }
}
