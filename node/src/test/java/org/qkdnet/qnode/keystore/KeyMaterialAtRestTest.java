package org.qkdnet.qnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qkdnet.qnode.keystore.TestPads.frame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.KeyEncryptionKey;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.crypto.TestKek;

/**
 * Issue 10 item 1: no pad or key byte is readable in the store's files, consumed pad and fetched
 * keys are deleted, and the store does not open without its key-encryption key.
 */
class KeyMaterialAtRestTest {
  private static final int FRAME = 1000;
  private static final int HALF = FRAME / 2;

  @TempDir Path dir;

  /** Every key byte the test put in: frames and delivered keys. */
  private final List<byte[]> secrets = new ArrayList<>();

  private KeyMaterial remember(KeyMaterial k) {
    secrets.add(k.copyBytes());
    return k;
  }

  @Test
  void afterPadsAreUsedAndKeysFetched_noKeyByteIsInAnyFile_andConsumedPadIsDeleted() throws Exception {
    Path db = dir.resolve("A");
    try (StationKeyStore a = StationKeyStore.open(db, "A", TestKek.kek())) {
      for (int f = 0; f < 4; f++) {
        SplitFrames.append(a, "B", f, remember(frame(FRAME, 100 + f)));
      }
      // A < B: the first half of each frame goes A->B (sending), the rest B->A (receiving)
      StreamId send = new StreamId("A", "B");
      StreamId recv = new StreamId("B", "A");
      assertThat(a.storedChunks(send)).isEqualTo(4);
      assertThat(a.storedChunks(recv)).isEqualTo(4);

      // use all but the last 100 bytes of the sending stream, in relays of 100 bytes
      for (int off = 0; off < 4 * HALF - 100; off += 100) {
        PadReservation r = a.reserve("B", 100, "r" + off);
        try (KeyMaterial pad = a.padBytes(r)) {
          assertThat(pad.contentEquals(expectedSend(off, 100))).as("pad at %d", off).isTrue();
        }
        if (off % 300 == 0) {
          a.burn(r);
        } else {
          a.markUsed(r);
        }
      }
      assertThat(a.storedChunks(send)).as("chunks still needed: only the last one").isEqualTo(1);
      // accept the receiving stream out of order: nothing is deleted until the low end is consumed
      a.acceptIncoming("B", 200, 1800, "in2").close();
      assertThat(a.storedChunks(recv)).isEqualTo(4);
      a.acceptIncoming("B", 0, 200, "in1").close();
      assertThat(a.storedChunks(recv)).as("all consumed").isZero();

      // keys delivered for an SAE, half of them fetched
      List<DeliverableKey> keys = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        keys.add(new DeliverableKey("k" + i, "m", "s", remember(frame(32, 500 + i))));
      }
      a.storeDeliverable(keys);
      for (int i = 0; i < 10; i++) {
        a.takeForSlave("k" + i, "s", "m").orElseThrow().close();
      }
    }
    assertThat(findSecrets(db)).as("key bytes found in the store's files").isEmpty();

    // the rest still works after reopen: the last 100 bytes of the sending stream, the 10 keys
    try (StationKeyStore a = StationKeyStore.open(db, "A", TestKek.kek())) {
      PadReservation r = a.reserve("B", 100, "last");
      try (KeyMaterial pad = a.padBytes(r)) {
        assertThat(pad.contentEquals(expectedSend(4 * HALF - 100, 100))).isTrue();
      }
      a.markUsed(r);
      assertThat(a.storedChunks(new StreamId("A", "B"))).isZero();
      for (int i = 10; i < 20; i++) {
        try (KeyMaterial k = a.takeForSlave("k" + i, "s", "m").orElseThrow()) {
          assertThat(k.copyBytes()).isEqualTo(secrets.get(4 + i));
        }
      }
      assertThat(a.deliverableCount("s")).isZero();
    }
    assertThat(findSecrets(db)).isEmpty();
  }

  @Test
  void keyMaterialLeftInTheStore_isStillNotReadableInItsFiles() throws Exception {
    Path db = dir.resolve("A");
    try (StationKeyStore a = StationKeyStore.open(db, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, remember(frame(FRAME, 7)));
      a.stagePending("B", 1, remember(frame(FRAME, 8)));
      a.storeDeliverable(List.of(new DeliverableKey("k", "m", "s", remember(frame(32, 9)))));
      a.compactNow(); // values in table files as well as in the WAL
    }
    assertThat(findSecrets(db)).isEmpty();
    try (StationKeyStore a = StationKeyStore.open(db, "A", TestKek.kek())) {
      assertThat(a.pending("B", 1).orElseThrow().copyBytes()).isEqualTo(secrets.get(1));
    }
  }

  @Test
  void withoutItsKek_orWithAnotherOne_theStoreDoesNotOpen_andSaysWhy() {
    Path db = dir.resolve("A");
    try (StationKeyStore a = StationKeyStore.open(db, "A", TestKek.kek())) {
      SplitFrames.append(a, "B", 0, frame(FRAME, 1));
    }
    KeyEncryptionKey other = KeyEncryptionKey.ephemeral("another KEK");
    assertThatThrownBy(() -> StationKeyStore.open(db, "A", other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(another KEK) does not open this store's data key");
    // and nothing changed: the right KEK still opens it, with its pool
    try (StationKeyStore a = StationKeyStore.open(db, "A", TestKek.kek())) {
      assertThat(a.availableToSend("B")).isEqualTo(HALF);
    }
  }

  @Test
  void aStoreOfTheFormerClearFormat_isSealedWhenOpened() throws Exception {
    Path db = dir.resolve("A");
    byte[] clear = frame(64, 3).copyBytes();
    secrets.add(clear);
    try (RocksStore raw = RocksStore.open(db); StoreBatch b = raw.batch()) {
      b.put(StoreKeys.FORMAT_VERSION, ByteBuffer.allocate(4).putInt(2).array());
      b.put(StoreKeys.SELF_ID, "A".getBytes(StandardCharsets.UTF_8));
      b.batch.put(StoreKeys.deliverable("old"), deliverableValue("m", "s", clear)); // as format 2 wrote it
      raw.write(b);
    }
    assertThat(findSecrets(db)).as("the clear store really holds the key").isNotEmpty();
    try (StationKeyStore a = StationKeyStore.open(db, "A", TestKek.kek())) {
      assertThat(a.deliverableCount("s")).isEqualTo(1);
    }
    assertThat(findSecrets(db)).isEmpty();
    try (StationKeyStore a = StationKeyStore.open(db, "A", TestKek.kek())) {
      assertThat(a.takeForSlave("old", "s", "m").orElseThrow().copyBytes()).isEqualTo(clear);
    }
  }

  private static byte[] deliverableValue(String master, String slave, byte[] key) {
    return DeliverableShelf.encode(new DeliverableKey("old", master, slave, KeyMaterial.wrap(key.clone())));
  }

  private KeyMaterial expectedSend(int offset, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      int at = offset + i;
      out[i] = secrets.get(at / HALF)[at % HALF];
    }
    return KeyMaterial.wrap(out);
  }

  /** Files under {@code root} holding any 16 consecutive bytes of a secret (a window every 8 bytes). */
  private List<String> findSecrets(Path root) throws IOException {
    List<String> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] content = Files.readAllBytes(f);
        for (int s = 0; s < secrets.size(); s++) {
          byte[] secret = secrets.get(s);
          for (int at = 0; at + 16 <= secret.length; at += 8) {
            if (indexOf(content, Arrays.copyOfRange(secret, at, at + 16)) >= 0) {
              hits.add(root.relativize(f) + ": secret " + s + " at " + at);
              break;
            }
          }
        }
      }
    }
    return hits;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      if (hay[i] != needle[0]) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
