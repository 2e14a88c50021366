package org.qkdnet.qnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qkdnet.qnode.keystore.TestPads.frame;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.TestKek;

/** Issue 10 item 3: keys not fetched within the TTL are burned, counted per slave, also after a restart. */
class DeliverableExpiryTest {
  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(1_000_000);

  private StationKeyStore open() {
    return StationKeyStore.open(dir, "D", TestKek.kek(), StationKeyStore.DEFAULT_MAX_RUNS, now::get);
  }

  private static DeliverableKey key(String id, String slave, long seed) {
    return new DeliverableKey(id, "m", slave, frame(32, seed));
  }

  @Test
  void keysOlderThanTheTtl_areDeleted_youngerOnesStay_andStampsSurviveARestart() {
    Duration ttl = Duration.ofMinutes(10);
    try (StationKeyStore s = open()) {
      s.storeDeliverable(List.of(key("old1", "s1", 1), key("old2", "s2", 2)));
      now.addAndGet(Duration.ofMinutes(6).toMillis());
      s.storeDeliverable(List.of(key("young", "s1", 3), key("fetched", "s1", 4)));
      s.takeForSlave("fetched", "s1", "m").orElseThrow().close();
      assertThat(s.expireDeliverables(ttl)).isEmpty();
    }
    now.addAndGet(Duration.ofMinutes(5).toMillis()); // old ones are 11 min old, young 5
    try (StationKeyStore s = open()) {
      assertThat(s.deliverableCount("s1")).isEqualTo(2);
      Map<String, Integer> burned = s.expireDeliverables(ttl);
      assertThat(burned).containsExactlyInAnyOrderEntriesOf(Map.of("s1", 1, "s2", 1));
      assertThat(s.takeForSlave("old1", "s1", "m")).isEmpty();
      assertThat(s.takeForSlave("old2", "s2", "m")).isEmpty();
      assertThat(s.deliverableCount("s1")).isEqualTo(1);
      assertThat(s.deliverableCount("s2")).isZero();
      assertThat(s.expireDeliverables(ttl)).isEmpty();
      now.addAndGet(Duration.ofMinutes(6).toMillis());
      assertThat(s.expireDeliverables(ttl)).containsExactly(Map.entry("s1", 1));
      assertThat(s.deliverableCount("s1")).isZero();
    }
  }
}
