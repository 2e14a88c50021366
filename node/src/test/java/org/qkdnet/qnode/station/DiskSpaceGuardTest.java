package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DiskSpaceGuardTest {
  @Test
  void belowTheMinimum_namesTheDirectoryTheFiguresAndTheSetting() {
    AtomicLong free = new AtomicLong(100 << 20);
    DiskSpaceGuard g = new DiskSpaceGuard(Path.of("/data/ALP"), 64 << 20, free::get);
    assertThat(g.problem()).isEmpty();
    free.set(1234);
    assertThat(g.problem()).hasValueSatisfying(p -> assertThat(p).contains("/data/ALP").contains("1234 bytes free")
        .contains("qnode.keystore.min-free-bytes").contains(String.valueOf(64 << 20)));
    free.set(64 << 20);
    assertThat(g.problem()).isEmpty();
  }

  @Test
  void zeroMinimum_turnsTheCheckOff() {
    assertThat(new DiskSpaceGuard(Path.of("/d"), 0, () -> 0).problem()).isEmpty();
  }

  @Test
  void realDirectory_hasItsFileSystemsFreeSpace() {
    assertThat(DiskSpaceGuard.of(Path.of(System.getProperty("java.io.tmpdir")), 1).problem()).isEmpty();
    assertThat(DiskSpaceGuard.of(Path.of("/no/such/dir/anywhere"), 1).problem()).isPresent();
  }
}
