package org.qkdnet.qnode.postprocessing.cascade;

/**
 * For every node of every block's bisection tree in one pass (block, heap id ≥ 2): whether its
 * parity is known, and if so whether Alice's and Bob's parities of it differ. Holds every node
 * whose parity Alice disclosed or that follows from disclosed ones, so no parity is asked twice.
 *
 * <p>Direct-indexed, not hashed: bisecting a block of k bits at the midpoint gives heap ids below
 * 2<sup>⌈log2 k⌉+1</sup>, so each block owns that many positions, at most 4k per block and 4 per
 * key bit in all; a search walks one block's nodes, which sit together in memory (an
 * open-addressing map spent more time growing and missing the cache than Cascade spent
 * deciding). The positions are stored in pages of {@value #PAGE_BITS} allocated on first write:
 * the late passes of a frame have two huge blocks of which only a few search paths are ever
 * known, and must not cost megabytes each.
 */
final class NodeParities {
  static final int PAGE_BITS = 1 << 12;
  private static final int PAGE_SHIFT = 12;
  private static final int WORDS = PAGE_BITS / 64;

  private final int shift;
  /** Page p: words [0, WORDS) the "known" bits, [WORDS, 2·WORDS) the "differs" bits. */
  private final long[][] pages;

  /**
   * @param blocks blocks of the pass
   * @param blockSize bits per block (the last may be shorter)
   */
  NodeParities(int blocks, int blockSize) {
    if (blocks < 1 || blockSize < 1) {
      throw new IllegalArgumentException("need at least one block of at least one bit");
    }
    // heap ids of a block of blockSize bits stay below 2^(ceil(log2 blockSize) + 1)
    int depth = 32 - Integer.numberOfLeadingZeros(Math.max(1, blockSize - 1));
    this.shift = depth + 1;
    long positions = (long) blocks << shift;
    long pageCount = (positions + PAGE_BITS - 1) >>> PAGE_SHIFT;
    if (pageCount > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(blocks + " blocks of " + blockSize + " bits are too many");
    }
    this.pages = new long[(int) pageCount][];
  }

  private long index(int block, int heapId) {
    return ((long) block << shift) | heapId;
  }

  /** 1 or 0 if known, -1 if not. */
  int get(int block, int heapId) {
    long i = index(block, heapId);
    long[] page = pages[(int) (i >>> PAGE_SHIFT)];
    if (page == null) {
      return -1;
    }
    int w = (int) (i >>> 6) & (WORDS - 1);
    long m = 1L << i;
    if ((page[w] & m) == 0) {
      return -1;
    }
    return (page[WORDS + w] & m) != 0 ? 1 : 0;
  }

  void put(int block, int heapId, int value) {
    long i = index(block, heapId);
    int p = (int) (i >>> PAGE_SHIFT);
    long[] page = pages[p];
    if (page == null) {
      page = new long[2 * WORDS];
      pages[p] = page;
    }
    int w = (int) (i >>> 6) & (WORDS - 1);
    long m = 1L << i;
    page[w] |= m;
    if (value != 0) {
      page[WORDS + w] |= m;
    } else {
      page[WORDS + w] &= ~m;
    }
  }

  /** Flips the bit of a known node; false if the node is unknown. */
  boolean toggle(int block, int heapId) {
    long i = index(block, heapId);
    long[] page = pages[(int) (i >>> PAGE_SHIFT)];
    if (page == null) {
      return false;
    }
    int w = (int) (i >>> 6) & (WORDS - 1);
    long m = 1L << i;
    if ((page[w] & m) == 0) {
      return false;
    }
    page[WORDS + w] ^= m;
    return true;
  }

  /** Pages allocated so far (for tests: the memory a pass holds is what its searches touched). */
  int pagesAllocated() {
    int n = 0;
    for (long[] p : pages) {
      if (p != null) {
        n++;
      }
    }
    return n;
  }
}
