package org.qkdnet.qnode.keystore;

/** What the destination did with one share of a multipath key group. */
public record ShareOutcome(Result result, String detail) {
  public enum Result {
    /** Stored durably; the group's other shares have not all arrived. */
    HELD,
    /** This share completed the group: the combined keys are stored for the slave SAE. */
    COMBINED,
    /** Refused (bad tag, a share that contradicts the group, a duplicate): incoming pad burned. */
    REFUSED
  }
}
