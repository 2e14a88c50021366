package org.qkdnet.qnode.relay;

/** A relay that did not deliver; carries the outcome (reason code, detail, station). */
public final class RelayException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient RelayOutcome outcome;

  public RelayException(RelayOutcome outcome) {
    super(outcome.reason() + " at " + outcome.failedAt() + ": " + outcome.detail());
    this.outcome = outcome;
  }

  public RelayOutcome outcome() {
    return outcome;
  }
}
