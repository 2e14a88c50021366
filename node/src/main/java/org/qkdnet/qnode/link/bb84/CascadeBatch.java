package org.qkdnet.qnode.link.bb84;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Cascade round trip between the two ends of a link carries the next round of several frames
 * at once: Bob sends one {@link Round} per frame whose questions are ready, Alice answers each in
 * order. Per-call costs (a gRPC call, thread hand-offs, TLS records) are paid once per batch
 * rather than once per frame and round.
 */
public final class CascadeBatch {
  /** Most rounds in one batch: one per frame in flight (frames-in-flight is at most 64). */
  public static final int MAX_ROUNDS = 64;

  /**
   * Questions Bob puts in one batch, in bytes (a single larger round still goes alone): keeps
   * every call well inside LinkService's 16 MiB message limit even with 64 large frames in flight.
   */
  public static final int MAX_BYTES = 4 << 20;

  private CascadeBatch() {}

  /** One frame's round: CascadeCodec-encoded questions. Not key material (public parities). */
  public record Round(long raw, byte[] questions) {
    public Round {
      Objects.requireNonNull(questions, "questions");
    }

    @Override
    public String toString() {
      return "Round[raw=" + raw + ", " + questions.length + " bytes]";
    }
  }

  /** Alice's answer to one round: CascadeCodec-encoded answers, or why not ({@code error} non-empty). */
  public record Answer(long raw, byte[] answers, String error) {
    public Answer {
      Objects.requireNonNull(answers, "answers");
      Objects.requireNonNull(error, "error");
    }

    public static Answer refused(long raw, String error) {
      return new Answer(raw, new byte[0], error.isEmpty() ? "refused" : error);
    }

    public boolean ok() {
      return error.isEmpty();
    }

    @Override
    public String toString() {
      return "Answer[raw=" + raw + ", " + (ok() ? answers.length + " bytes" : "error " + error) + "]";
    }
  }

  /** Checks the number of rounds of a batch (1..64) before anything is copied; throws IllegalArgumentException. */
  public static void checkRoundCount(int rounds) {
    if (rounds < 1 || rounds > MAX_ROUNDS) {
      throw new IllegalArgumentException("a Cascade batch holds 1.." + MAX_ROUNDS + " rounds, got " + rounds);
    }
  }

  /** Checks a batch as received: 1..64 rounds, each frame at most once; throws IllegalArgumentException. */
  public static void validate(List<Round> rounds) {
    checkRoundCount(rounds.size());
    Set<Long> seen = new HashSet<>();
    for (Round r : rounds) {
      if (!seen.add(r.raw())) {
        throw new IllegalArgumentException("raw frame " + r.raw() + " appears twice in one Cascade batch");
      }
    }
  }

  /** Checks that {@code answers} answer {@code rounds} one to one, in order; throws IllegalArgumentException. */
  public static void checkAnswers(List<Round> rounds, List<Answer> answers) {
    if (answers.size() != rounds.size()) {
      throw new IllegalArgumentException(answers.size() + " answers to " + rounds.size() + " Cascade rounds");
    }
    for (int i = 0; i < rounds.size(); i++) {
      if (answers.get(i).raw() != rounds.get(i).raw()) {
        throw new IllegalArgumentException("answer " + i + " is for raw frame " + answers.get(i).raw()
            + ", the round was for " + rounds.get(i).raw());
      }
    }
  }
}
