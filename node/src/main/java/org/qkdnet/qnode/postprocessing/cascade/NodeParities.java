package org.qkdnet.qnode.postprocessing.cascade;

/**
 * For every node of every block's bisection tree in one pass (block, heap id ≥ 2): whether its
 * parity is known, and if so whether Alice's and Bob's parities of it differ. Holds every node
 * whose parity Alice disclosed or that follows from disclosed ones, so no parity is asked twice.
 *
 * <p>Dense, not hashed: bisecting a block of k bits at the midpoint gives heap ids below
 * 2<sup>⌈log2 k⌉+1</sup>, so each block owns that many bits of two bit arrays, at most 4k per
 * block and 4 bits per key bit in all. A search walks one block's nodes, which sit together in
 * memory; an open-addressing map spent more time growing and missing the cache than Cascade spent
 * deciding.
 */
final class NodeParities {
  private final int shift;
  private final long[] known;
  private final long[] differs;

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
    long bits = (long) blocks << shift;
    if (bits > (long) Integer.MAX_VALUE * 64) {
      throw new IllegalArgumentException(blocks + " blocks of " + blockSize + " bits are too many");
    }
    int words = (int) ((bits + 63) >>> 6);
    this.known = new long[words];
    this.differs = new long[words];
  }

  private long index(int block, int heapId) {
    return ((long) block << shift) | heapId;
  }

  /** 1 or 0 if known, -1 if not. */
  int get(int block, int heapId) {
    long i = index(block, heapId);
    int w = (int) (i >>> 6);
    long m = 1L << i;
    if ((known[w] & m) == 0) {
      return -1;
    }
    return (differs[w] & m) != 0 ? 1 : 0;
  }

  void put(int block, int heapId, int value) {
    long i = index(block, heapId);
    int w = (int) (i >>> 6);
    long m = 1L << i;
    known[w] |= m;
    if (value != 0) {
      differs[w] |= m;
    } else {
      differs[w] &= ~m;
    }
  }

  /** Flips the bit of a known node; false if the node is unknown. */
  boolean toggle(int block, int heapId) {
    long i = index(block, heapId);
    int w = (int) (i >>> 6);
    long m = 1L << i;
    if ((known[w] & m) == 0) {
      return false;
    }
    differs[w] ^= m;
    return true;
  }
}
