package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.KeyMaterial;

/** Tests only: reads a stream's stored bytes without consuming them (to compare the two ends). */
public final class StoreProbe {
  private StoreProbe() {}

  public static KeyMaterial sendBytes(StationKeyStore sender, StreamId s, long length) {
    return sender.peekStream(s, 0, Math.toIntExact(length));
  }

  public static KeyMaterial recvBytes(StationKeyStore receiver, StreamId s, long length) {
    return receiver.peekStream(s, 0, Math.toIntExact(length));
  }
}
