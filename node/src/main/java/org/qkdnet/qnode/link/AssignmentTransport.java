package org.qkdnet.qnode.link;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.qkdnet.qnode.keystore.ApplyResult;
import org.qkdnet.qnode.keystore.AssignmentEntry;

/**
 * The two calls of the key-supply exchange between the ends of a link (LinkService {@code
 * RequestKey} and {@code ApplyAssignments}; docs/key-supply.md). Both complete exceptionally when
 * the peer cannot be reached or refuses.
 */
public interface AssignmentTransport {
  /** What the assigner answers a request: its entries from the asker's next seq on, and its link bytes. */
  record Grant(List<AssignmentEntry> entries, long linkBytes) {
    public Grant {
      entries = List.copyOf(entries);
    }
  }

  /**
   * The non-assigning end asks the assigner for {@code wantBytes} toward itself (0: only catch
   * up), of which {@code needBytes} a request waiting there lacks now (0: keeping ahead of need),
   * telling it the next entry it expects and the link bytes it holds.
   */
  CompletionStage<Grant> requestKey(String assigner, long wantBytes, long needBytes, long nextSeq, long linkBytes);

  /** The assigner hands entries to the other end, which applies them in order. */
  CompletionStage<ApplyResult> applyAssignments(String peer, List<AssignmentEntry> entries);
}
