package org.qkdnet.qnode.keystore;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What every share of a multipath key group must agree on (public values): the group, the
 * number of shares, the SAEs and the keys the combined value becomes. The share bytes themselves
 * are not here.
 */
public record ShareHeader(
    String groupId, int shareCount, String masterSae, String slaveSae, List<String> keyIds, int keySizeBytes) {
  /** More shares than any configured path count; bounds what a group may hold. */
  public static final int MAX_SHARES = 8;

  public ShareHeader {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(masterSae, "masterSae");
    Objects.requireNonNull(slaveSae, "slaveSae");
    keyIds = List.copyOf(keyIds);
    if (groupId.isBlank() || groupId.length() > 64) {
      throw new IllegalArgumentException("share group id missing or longer than 64 characters");
    }
    if (shareCount < 2 || shareCount > MAX_SHARES) {
      throw new IllegalArgumentException("share count " + shareCount + " outside 2.." + MAX_SHARES);
    }
    if (keyIds.isEmpty() || keySizeBytes < 1) {
      throw new IllegalArgumentException("a share group needs keys of positive size");
    }
  }

  public int payloadBytes() {
    return keyIds.size() * keySizeBytes;
  }

  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    StoreKeys.writeString(out, groupId);
    out.writeBytes(ByteBuffer.allocate(2 * Integer.BYTES).putInt(shareCount).putInt(keySizeBytes).array());
    StoreKeys.writeString(out, masterSae);
    StoreKeys.writeString(out, slaveSae);
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(keyIds.size()).array());
    keyIds.forEach(id -> StoreKeys.writeString(out, id));
    return out.toByteArray();
  }

  static ShareHeader decode(ByteBuffer buf) {
    String group = StoreKeys.readString(buf);
    int count = buf.getInt();
    int size = buf.getInt();
    String master = StoreKeys.readString(buf);
    String slave = StoreKeys.readString(buf);
    int n = buf.getInt();
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(StoreKeys.readString(buf));
    }
    return new ShareHeader(group, count, master, slave, ids, size);
  }
}
