package org.qkdnet.qnode.link.bb84;

import java.util.Objects;
import org.qkdnet.qnode.postprocessing.estimation.FrameStatistics;
import org.qkdnet.qnode.postprocessing.sifting.BitString;

/** Alice's answer to Bob's estimation request: her disclosed bits, her source log, her verdict. */
public record EstimateReplyData(BitString disclosed, FrameStatistics.SentPulses sent, String dropReason) {
  public EstimateReplyData {
    Objects.requireNonNull(disclosed, "disclosed");
    Objects.requireNonNull(sent, "sent");
    Objects.requireNonNull(dropReason, "dropReason");
  }
}
