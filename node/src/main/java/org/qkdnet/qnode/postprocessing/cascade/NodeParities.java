package org.qkdnet.qnode.postprocessing.cascade;

/**
 * Open-addressing map from a bisection-tree node (block, heap id ≥ 2) to one bit: whether
 * Alice's and Bob's parities of that node differ. Holds every node whose parity Alice disclosed
 * or that follows from disclosed ones, so no parity is asked twice.
 */
final class NodeParities {
  private long[] keys;
  private byte[] values;
  private int size;

  NodeParities() {
    keys = new long[64];
    values = new byte[64];
  }

  static long key(int block, int heapId) {
    return ((long) block << 32) | (heapId & 0xFFFFFFFFL);
  }

  /** 1 or 0 if known, -1 if not. */
  int get(long key) {
    int mask = keys.length - 1;
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        return values[i];
      }
      if (k == 0) {
        return -1;
      }
    }
  }

  void put(long key, int value) {
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key || k == 0) {
        if (k == 0) {
          keys[i] = key;
          size++;
        }
        values[i] = (byte) value;
        return;
      }
    }
  }

  /** Flips the bit of a known node; false if the node is unknown. */
  boolean toggle(long key) {
    int mask = keys.length - 1;
    for (int i = slot(key, mask); ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        values[i] ^= 1;
        return true;
      }
      if (k == 0) {
        return false;
      }
    }
  }

  int size() {
    return size;
  }

  private static int slot(long key, int mask) {
    return (int) (SplitMix64.mix(key) & mask);
  }

  private void grow() {
    long[] ok = keys;
    byte[] ov = values;
    keys = new long[ok.length * 2];
    values = new byte[ok.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < ok.length; j++) {
      if (ok[j] != 0) {
        int i = slot(ok[j], mask);
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = ok[j];
        values[i] = ov[j];
      }
    }
  }
}
