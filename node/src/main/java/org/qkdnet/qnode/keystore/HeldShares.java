package org.qkdnet.qnode.keystore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.rocksdb.RocksDBException;

/**
 * The shares of one multipath group held at the destination (record {@code H}: header, share
 * index, expiry in local milliseconds, share bytes), as seen while one more share arrives. Caller
 * holds the deliverable shelf's lock; values read here are cleared by {@link #clear()}.
 */
final class HeldShares {
  private final ShareHeader header;
  private final int arriving;
  /** Other shares of the group, by index (null where missing). */
  private final byte[][] others;
  private final String problem;
  private final List<byte[]> expired;

  private HeldShares(ShareHeader header, int arriving, byte[][] others, String problem, List<byte[]> expired) {
    this.header = header;
    this.arriving = arriving;
    this.others = others;
    this.problem = problem;
    this.expired = expired;
  }

  static HeldShares load(RocksStore rocks, ShareHeader header, int arriving, long nowMillis) {
    List<byte[]> expired = new ArrayList<>();
    rocks.forEach(StoreKeys.heldSharePrefix(), (k, v) -> {
      ByteBuffer buf = ByteBuffer.wrap(v);
      ShareHeader.decode(buf);
      buf.getInt();
      if (buf.getLong() < nowMillis) {
        expired.add(k);
      }
      Arrays.fill(v, (byte) 0);
    });
    byte[][] others = new byte[header.shareCount() + 1][];
    String problem = null;
    for (int i = 1; i <= header.shareCount(); i++) {
      byte[] key = StoreKeys.heldShare(header.groupId(), i);
      if (expired.stream().anyMatch(k -> Arrays.equals(k, key))) {
        continue; // too late: deleted with the other expired shares
      }
      byte[] v = rocks.get(key);
      if (v == null) {
        continue;
      }
      ByteBuffer buf = ByteBuffer.wrap(v);
      ShareHeader h = ShareHeader.decode(buf);
      buf.getInt();
      buf.getLong();
      byte[] share = new byte[buf.remaining()];
      buf.get(share);
      Arrays.fill(v, (byte) 0);
      if (i == arriving) {
        problem = "share " + i + " of group " + header.groupId() + " arrived twice";
        Arrays.fill(share, (byte) 0);
      } else if (!h.equals(header)) {
        problem = "share " + arriving + " of group " + header.groupId() + " names other SAEs, keys or share count"
            + " than share " + i;
        Arrays.fill(share, (byte) 0);
      } else {
        others[i] = share;
      }
    }
    return new HeldShares(header, arriving, others, problem, expired);
  }

  /** Why the arriving share cannot be taken (duplicate, contradicting the group), or null. */
  String problemWith(int shareLength) {
    if (problem != null) {
      return problem;
    }
    return shareLength == header.payloadBytes() ? null
        : "share of " + shareLength + " bytes for keys of " + header.payloadBytes();
  }

  /** Whether the arriving share is the last one missing. */
  boolean completes() {
    for (int i = 1; i <= header.shareCount(); i++) {
      if (i != arriving && others[i] == null) {
        return false;
      }
    }
    return true;
  }

  KeyMaterial combineWith(KeyMaterial arrivingShare) {
    KeyMaterial acc = arrivingShare.slice(0, arrivingShare.length());
    for (int i = 1; i <= header.shareCount(); i++) {
      if (others[i] != null) {
        KeyMaterial next = acc.xor(others[i]);
        acc.zeroize();
        acc = next;
      }
    }
    return acc;
  }

  static List<DeliverableKey> split(ShareHeader h, KeyMaterial combined) {
    List<DeliverableKey> keys = new ArrayList<>(h.keyIds().size());
    for (int i = 0; i < h.keyIds().size(); i++) {
      keys.add(new DeliverableKey(h.keyIds().get(i), h.masterSae(), h.slaveSae(),
          combined.slice(i * h.keySizeBytes(), h.keySizeBytes())));
    }
    return keys;
  }

  void purgeExpired(StoreBatch batch) throws RocksDBException {
    for (byte[] k : expired) {
      batch.delete(k);
    }
  }

  void deleteAll(StoreBatch batch) throws RocksDBException {
    for (int i = 1; i <= header.shareCount(); i++) {
      batch.delete(StoreKeys.heldShare(header.groupId(), i));
    }
  }

  static void put(StoreBatch batch, ShareHeader header, int index, long expiresAtMillis, KeyMaterial share)
      throws RocksDBException {
    byte[] h = header.encode();
    byte[] bytes = share.copyBytes();
    byte[] value = ByteBuffer.allocate(h.length + Integer.BYTES + Long.BYTES + bytes.length).put(h).putInt(index)
        .putLong(expiresAtMillis).put(bytes).array();
    try {
      batch.put(StoreKeys.heldShare(header.groupId(), index), value);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      Arrays.fill(value, (byte) 0);
    }
  }

  void clear() {
    for (byte[] b : others) {
      if (b != null) {
        Arrays.fill(b, (byte) 0);
      }
    }
  }
}
