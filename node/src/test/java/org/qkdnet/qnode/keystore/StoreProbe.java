package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.KeyMaterial;

/** Tests only: reads a stream's stored bytes without consuming them (to compare the two ends). */
public final class StoreProbe {
  private StoreProbe() {}

  /** Bytes {@code [from, from + length)} of stream {@code s} as {@code store} holds them. */
  public static KeyMaterial bytes(StationKeyStore store, StreamId s, long from, long length) {
    return store.peekStream(s, from, Math.toIntExact(length));
  }

  /** Where {@code store} still holds bytes of {@code s} (consumed pad is deleted); -1 if nowhere. */
  public static long storedFrom(StationKeyStore store, StreamId s) {
    return store.firstStoredOffset(s);
  }
}
