package org.qkdnet.qnode.postprocessing.cascade;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Bob's end of Cascade for one frame: holds his noisy sifted key, drives the protocol and
 * corrects his key in place.
 *
 * <p>Each pass permutes the frame with its own public {@link PassPermutation} and splits it into
 * blocks of the {@link CascadeVariant} size; Bob asks the parities of all blocks of the pass in one
 * round, then binary-searches every block whose parity differs from his, all searches advancing
 * together, one question (the left half) per search per round. Every corrected bit is mapped
 * into every pass started so far; a block there whose parity now differs gets its own binary
 * search (the cascade), in the same rounds. The next pass starts when no block of any started
 * pass has odd parity difference. Bob counts every parity he receives ({@link #leakedBits()}).
 *
 * <p>Bookkeeping is by toggles: every node of a block's bisection tree whose parity is known
 * (asked, or inferred as parent minus sibling) keeps one "parities differ" bit, flipped whenever a
 * corrected bit lands in it. Searches walk down known nodes for free and ask only at the
 * frontier, so no parity is disclosed twice and none is recomputed over a large block.
 */
public final class CascadeBob {
  /** A frame that needs more rounds than this is broken, not slow. */
  static final int MAX_ROUNDS = 1_000_000;

  private final long frameId;
  private final long seed;
  private final CascadeVariant variant;
  private final double qber;
  private final int n;
  private final int paddedBits;
  private final long[] key;
  private final Pass[] passes;
  private int started;
  private int round;
  private long leaked;
  private int corrected;
  private boolean done;
  private Pass askedPass;
  private List<Search> asked = List.of();
  private int[] dirty = new int[64];
  private int dirtySize;

  /**
   * @param noisyKey Bob's sifted frame (copied)
   * @param variant block-size schedule
   * @param qberEstimate the error rate the schedule is sized for (from estimation)
   * @param permutationSeed the public seed both ends agreed for this link
   */
  public CascadeBob(long frameId, BitString noisyKey, CascadeVariant variant, double qberEstimate,
      long permutationSeed) {
    this.frameId = frameId;
    this.seed = permutationSeed;
    this.variant = variant;
    this.n = noisyKey.length();
    variant.blockSize(1, qberEstimate, Math.max(n, 1)); // validates qber and n
    this.qber = qberEstimate;
    this.paddedBits = FrameLayout.paddedBits(n);
    this.key = FrameLayout.padded(noisyKey);
    this.passes = new Pass[variant.passes()];
  }

  /** The first round's questions: the block parities of pass 1. */
  public ParityQuestions start() {
    if (round != 0) {
      throw new IllegalStateException("frame " + frameId + " already started");
    }
    return startNextPass();
  }

  /**
   * Takes Alice's answers to the last questions; returns the next questions, or empty when the
   * frame is reconciled. Answers for another frame or round, or of the wrong size, are refused
   * with an {@link IllegalArgumentException} and change nothing.
   */
  public Optional<ParityQuestions> onAnswers(ParityAnswers a) {
    if (done || round == 0) {
      throw new IllegalStateException("frame " + frameId + " is not waiting for answers");
    }
    if (a.frameId() != frameId || a.round() != round) {
      throw new IllegalArgumentException("expected answers for frame " + frameId + " round "
          + round + ", got frame " + a.frameId() + " round " + a.round());
    }
    int expected = (askedPass == null ? 0 : askedPass.blocks) + asked.size();
    if (a.count() != expected) {
      throw new IllegalArgumentException("frame " + frameId + " round " + round + " expected "
          + expected + " parity bits, got " + a.count());
    }
    leaked += a.count();
    long[] bits = a.bits();
    int bit = 0;
    if (askedPass != null) {
      Pass p = askedPass;
      for (int j = 0; j < p.blocks; j++, bit++) {
        int s = j * p.k;
        int bob = BitString.parity(p.bits, s, Math.min(s + p.k, paddedBits));
        if ((BitString.bit(bits, bit) ^ bob) != 0) {
          p.rootMismatch[j >>> 6] |= 1L << j;
          markDirty(p.index, s);
        }
      }
    }
    List<Search> next = new ArrayList<>(asked.size() + 16);
    for (Search s : asked) {
      int alice = BitString.bit(bits, bit++);
      Pass p = s.pass;
      int left = alice ^ BitString.parity(p.bits, s.start, s.mid);
      int node = mismatch(p, s.block, s.heapId);
      p.known.put(s.block, 2 * s.heapId, left);
      p.known.put(s.block, 2 * s.heapId + 1, left ^ node);
      if (node == 0) {
        // a correction landed in this interval meanwhile; the halves may still hold errors
        markDirty(p.index, s.start);
        markDirty(p.index, s.mid);
        end(s);
      } else {
        descend(s, next);
      }
    }
    resolve(next);
    if (next.isEmpty()) {
      if (started < passes.length) {
        return Optional.of(startNextPass());
      }
      done = true;
      askedPass = null;
      asked = List.of();
      return Optional.empty();
    }
    return Optional.of(ask(null, next));
  }

  public boolean isDone() {
    return done;
  }

  public long frameId() {
    return frameId;
  }

  /** Parity bits Alice disclosed to Bob so far (all of them public). */
  public long leakedBits() {
    return leaked;
  }

  /** Question/answer exchanges so far. */
  public int roundTrips() {
    return round;
  }

  /** Bits corrected so far; each one was a certain error (its own parity differed). */
  public int correctedBits() {
    return corrected;
  }

  /** The reconciled frame (a copy); only once {@link #isDone()}. */
  public BitString correctedKey() {
    if (!done) {
      throw new IllegalStateException("frame " + frameId + " is not reconciled yet");
    }
    return BitString.wrap(Arrays.copyOf(key, BitString.wordsFor(n)), n);
  }

  /** Forgets the key material. */
  public void zeroize() {
    Arrays.fill(key, 0L);
    for (Pass p : passes) {
      if (p != null) {
        Arrays.fill(p.bits, 0L);
      }
    }
  }

  /** The block size pass {@code index} (0-based) uses on the padded frame. */
  int paddedBlockSize(int index) {
    int k = variant.blockSize(index + 1, qber, n);
    if (k >= n / 2 && index >= 2) {
      return Math.max(1, paddedBits / 2);
    }
    // padding dilutes blocks; stretch them so each still holds about k real bits
    long scaled = Math.round(k * (double) paddedBits / n);
    return (int) Math.max(1, Math.min(scaled, paddedBits));
  }

  private ParityQuestions startNextPass() {
    int index = started++;
    Pass p = new Pass(index, paddedBlockSize(index), paddedBits,
        PassPermutation.of(seed, frameId, index, paddedBits));
    p.perm.apply(key, p.bits);
    passes[index] = p;
    return ask(p, List.of());
  }

  private ParityQuestions ask(Pass newPass, List<Search> searches) {
    if (round >= MAX_ROUNDS) {
      throw new IllegalStateException("frame " + frameId + " exceeded " + MAX_ROUNDS + " rounds");
    }
    round++;
    askedPass = newPass;
    asked = searches;
    int[] starts = newPass == null ? new int[0] : new int[] {newPass.index, newPass.k};
    int[] ranges = new int[searches.size() * 3];
    int i = 0;
    for (Search s : searches) {
      s.mid = (s.start + s.end) >>> 1;
      ranges[i++] = s.pass.index;
      ranges[i++] = s.start;
      ranges[i++] = s.mid;
    }
    return new ParityQuestions(frameId, round, starts, ranges);
  }

  /**
   * Starts a search in every block touched by a correction or a lost search that now holds a
   * known interval of odd parity difference, and drops searches whose interval no longer
   * differs; repeats until stable (corrections made here touch more blocks).
   */
  private void resolve(List<Search> next) {
    for (int guard = 0; ; guard++) {
      if (guard > MAX_ROUNDS) {
        throw new IllegalStateException("frame " + frameId + ": resolution does not settle");
      }
      while (dirtySize > 0) {
        dirtySize -= 2;
        Pass p = passes[dirty[dirtySize]];
        int q = dirty[dirtySize + 1];
        int j = q / p.k;
        Search busy = p.active[j];
        if (busy != null) {
          busy.defer(q);
          continue;
        }
        Search s = oddNodeOnPath(p, j, q);
        if (s != null) {
          p.active[j] = s;
          descend(s, next);
        }
      }
      boolean dropped = false;
      for (int i = next.size() - 1; i >= 0; i--) {
        Search s = next.get(i);
        if (mismatch(s.pass, s.block, s.heapId) == 0) {
          next.remove(i);
          markDirty(s.pass.index, s.start);
          end(s);
          dropped = true;
        }
      }
      if (!dropped) {
        return;
      }
    }
  }

  /** The topmost known node of block {@code j} on the path to {@code q} whose parity differs. */
  private Search oddNodeOnPath(Pass p, int j, int q) {
    int s = j * p.k;
    int e = Math.min(s + p.k, paddedBits);
    int h = 1;
    if (((p.rootMismatch[j >>> 6] >>> j) & 1) != 0) {
      return new Search(p, j, s, e, h);
    }
    while (e - s > 1) {
      int mid = (s + e) >>> 1;
      if (q < mid) {
        e = mid;
        h = 2 * h;
      } else {
        s = mid;
        h = 2 * h + 1;
      }
      int m = p.known.get(j, h);
      if (m < 0) {
        return null;
      }
      if (m == 1) {
        return new Search(p, j, s, e, h);
      }
    }
    return null;
  }

  /**
   * Walks search {@code s} (on a node whose parity differs) down through nodes whose parity is
   * already known, for free; corrects the bit if it reaches one, else queues the next question.
   */
  private void descend(Search s, List<Search> next) {
    Pass p = s.pass;
    while (s.end - s.start > 1) {
      int mid = (s.start + s.end) >>> 1;
      int left = p.known.get(s.block, 2 * s.heapId);
      if (left < 0) {
        s.mid = mid;
        next.add(s);
        return;
      }
      if (left == 1) {
        s.end = mid;
        s.heapId = 2 * s.heapId;
      } else {
        s.start = mid;
        s.heapId = 2 * s.heapId + 1;
      }
    }
    end(s);
    flip(p, s.start);
  }

  /** Frees the search's block and replays the corrections that arrived while it was busy. */
  private void end(Search s) {
    s.pass.active[s.block] = null;
    for (int i = 0; i < s.deferredSize; i++) {
      markDirty(s.pass.index, s.deferred[i]);
    }
  }

  private int mismatch(Pass p, int block, int heapId) {
    if (heapId == 1) {
      return (int) (p.rootMismatch[block >>> 6] >>> block) & 1;
    }
    return p.known.get(block, heapId);
  }

  /** Corrects the bit at position {@code pos} of pass {@code from} and cascades it. */
  private void flip(Pass from, int pos) {
    int x = from.perm.toOriginal(pos);
    BitString.flip(key, x);
    corrected++;
    for (int r = 0; r < started; r++) {
      Pass p = passes[r];
      int q = p == from ? pos : p.perm.toPermuted(x);
      BitString.flip(p.bits, q);
      int j = q / p.k;
      p.rootMismatch[j >>> 6] ^= 1L << j;
      int s = j * p.k;
      int e = Math.min(s + p.k, paddedBits);
      int h = 1;
      while (e - s > 1) {
        int mid = (s + e) >>> 1;
        if (q < mid) {
          e = mid;
          h = 2 * h;
        } else {
          s = mid;
          h = 2 * h + 1;
        }
        if (!p.known.toggle(j, h)) {
          break;
        }
      }
      markDirty(r, q);
    }
  }

  private void markDirty(int pass, int block) {
    if (dirtySize == dirty.length) {
      dirty = Arrays.copyOf(dirty, dirty.length * 2);
    }
    dirty[dirtySize++] = pass;
    dirty[dirtySize++] = block;
  }

  private static final class Pass {
    final int index;
    final int k;
    final int blocks;
    final PassPermutation perm;
    final long[] bits;
    final long[] rootMismatch;
    final Search[] active;
    final NodeParities known;

    Pass(int index, int k, int paddedBits, PassPermutation perm) {
      this.index = index;
      this.k = k;
      this.blocks = (int) ((paddedBits + (long) k - 1) / k);
      this.perm = perm;
      this.bits = new long[paddedBits >>> 6];
      this.rootMismatch = new long[BitString.wordsFor(blocks)];
      this.active = new Search[blocks];
      this.known = new NodeParities(blocks, k);
    }
  }

  /**
   * A binary search for one error in a block: the current node {@code [start, end)} (heap id in
   * the block's bisection tree, root 1) has odd parity difference.
   */
  private static final class Search {
    final Pass pass;
    final int block;
    int start;
    int end;
    int heapId;
    int mid;
    int[] deferred;
    int deferredSize;

    Search(Pass pass, int block, int start, int end, int heapId) {
      this.pass = pass;
      this.block = block;
      this.start = start;
      this.end = end;
      this.heapId = heapId;
    }

    void defer(int position) {
      if (deferred == null) {
        deferred = new int[4];
      } else if (deferredSize == deferred.length) {
        deferred = Arrays.copyOf(deferred, deferredSize * 2);
      }
      deferred[deferredSize++] = position;
    }
  }
}
