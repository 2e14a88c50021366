package org.qkdnet.qnode.link.bb84;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;
import org.qkdnet.qnode.postprocessing.verification.VerificationTag;

/**
 * Bob's calls to Alice over the link's classical channel ({@code LinkService}); each completes
 * exceptionally when Alice cannot be reached, refuses, or does not answer in time.
 */
public interface PostProcessingTransport {
  CompletionStage<SiftingReply> sift(String peer, SiftingAnnouncement announcement);

  CompletionStage<EstimateReplyData> estimate(String peer, long raw,
      org.qkdnet.qnode.postprocessing.sifting.BitString disclosed, long permutationSeed);

  /**
   * One Cascade round trip for several frames: Alice's answers, one per round in order (see
   * {@link CascadeBatch#checkAnswers}). Completes exceptionally when the whole call fails.
   */
  CompletionStage<List<CascadeBatch.Answer>> reconcile(String peer, List<CascadeBatch.Round> rounds);

  /** Alice's verification tag of her frame ({@code hashKey2} nonzero exactly when tagBits &gt; 64). */
  CompletionStage<VerificationTag> verify(String peer, long raw, long hashKey, long hashKey2, int tagBits);

  /**
   * Commits the block of held frames {@code blockRaws} (in key order; {@code raw} is the first) as
   * pool frame {@code poolFrameId}; a recovery commit has secure length 0 and no frames.
   */
  CompletionStage<CommitResult> commit(String peer, long raw, long poolFrameId, int secureBits, BitString seed,
      List<Long> blockRaws);

  /** Tells Alice to forget {@code raw}; answers the next pool frame id she expects. */
  CompletionStage<Long> drop(String peer, long raw, String reason);
}
