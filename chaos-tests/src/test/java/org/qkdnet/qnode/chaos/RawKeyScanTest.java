package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawKeyScanTest {
  @TempDir Path dir;

  @Test
  void findsAKeyWholeOrInTwoPieces_andNothingElse() throws Exception {
    Random rnd = new Random(5);
    byte[] k1 = new byte[32];
    byte[] k2 = new byte[32];
    byte[] k3 = new byte[32];
    rnd.nextBytes(k1);
    rnd.nextBytes(k2);
    rnd.nextBytes(k3);
    byte[] noise = new byte[10_000];
    rnd.nextBytes(noise);
    byte[] whole = noise.clone();
    System.arraycopy(k1, 0, whole, 777, 32);
    byte[] piece = noise.clone();
    System.arraycopy(k2, 15, piece, 5000, 17); // the longer piece of a key split 15/17
    Files.createDirectories(dir.resolve("a/b"));
    Files.write(dir.resolve("a/whole.bin"), whole);
    Files.write(dir.resolve("a/b/piece.bin"), piece);
    Files.write(dir.resolve("clean.bin"), noise);

    RawKeyScan scan = new RawKeyScan(Map.of("k1", k1, "k2", k2, "k3", k3));
    List<String> hits = scan.hits(List.of(dir, dir.resolve("missing")));

    assertThat(hits).containsExactlyInAnyOrder(dir.resolve("a/whole.bin") + ": k1", dir.resolve("a/b/piece.bin") + ": k2");
    assertThat(String.join("\n", hits)).doesNotContain(java.util.HexFormat.of().formatHex(k1));
    assertThat(RawKeyScan.fileCount(List.of(dir))).isEqualTo(3);
  }
}
