package org.qkdnet.qnode.link.bb84;

import org.qkdnet.qnode.postprocessing.verification.VerificationTag;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.sifting.SiftingAnnouncement;
import org.qkdnet.qnode.postprocessing.sifting.SiftingReply;

/** Bob's calls straight into Alice's {@link AliceFrames}, in the caller's thread (no network). */
final class DirectTransport implements PostProcessingTransport {
  private final AliceFrames alice;

  DirectTransport(Bb84LinkEnd aliceEnd) {
    this.alice = aliceEnd.alice();
  }

  private static <T> CompletionStage<T> call(Supplier<T> s) {
    try {
      return CompletableFuture.completedFuture(s.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<SiftingReply> sift(String peer, SiftingAnnouncement announcement) {
    return call(() -> alice.sift(announcement));
  }

  @Override
  public CompletionStage<EstimateReplyData> estimate(String peer, long raw,
      org.qkdnet.qnode.postprocessing.sifting.BitString disclosed, long permutationSeed) {
    return call(() -> alice.estimate(raw, disclosed, permutationSeed));
  }

  @Override
  public CompletionStage<java.util.List<CascadeBatch.Answer>> reconcile(String peer,
      java.util.List<CascadeBatch.Round> rounds) {
    return call(() -> alice.answer(rounds));
  }

  @Override
  public CompletionStage<VerificationTag> verify(String peer, long raw, long hashKey, long hashKey2, int tagBits) {
    return call(() -> alice.verify(raw, hashKey, hashKey2, tagBits));
  }

  @Override
  public CompletionStage<CommitResult> commit(String peer, long raw, long poolFrameId, int secureBits, BitString seed,
      java.util.List<Long> blockRaws) {
    return call(() -> alice.commit(raw, poolFrameId, secureBits, seed, blockRaws));
  }

  @Override
  public CompletionStage<Long> drop(String peer, long raw, String reason) {
    return call(() -> alice.drop(raw, reason));
  }
}
