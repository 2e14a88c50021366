package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.TestKek;

import org.qkdnet.qnode.crypto.KeyMaterial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qkdnet.qnode.keystore.TestPads.frame;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliverableKeysTest {
  @TempDir Path dir;

  private static DeliverableKey key(String id, long seed) {
    return new DeliverableKey(id, "saeMaster", "saeSlave", frame(32, seed));
  }

  @Test
  void takeForSlave_designatedSlaveAndMaster_getsKeyExactlyOnce() {
    DeliverableKey k = key("k1", 1);
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      s.storeDeliverable(List.of(k));

      Optional<KeyMaterial> got = s.takeForSlave("k1", "saeSlave", "saeMaster");

      assertThat(got).isPresent();
      assertThat(got.get().contentEquals(k.key())).isTrue();
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster")).isEmpty();
      assertThat(s.deliverableCount("saeSlave")).isZero();
    }
  }

  @Test
  void takeForSlave_wrongCallerOrMasterOrUnknown_returnsEmptyAndKeepsKey() {
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      s.storeDeliverable(List.of(key("k1", 1)));

      assertThat(s.takeForSlave("k1", "saeMaster", "saeMaster")).isEmpty();
      assertThat(s.takeForSlave("k1", "saeOther", "saeMaster")).isEmpty();
      assertThat(s.takeForSlave("k1", "saeSlave", "saeOther")).isEmpty();
      assertThat(s.takeForSlave("nope", "saeSlave", "saeMaster")).isEmpty();

      assertThat(s.deliverableCount("saeSlave")).isEqualTo(1);
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster")).isPresent();
    }
  }

  @Test
  void storeDeliverable_duplicateKeyId_throwsAndStoresNothing() {
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      s.storeDeliverable(List.of(key("k1", 1)));

      assertThatThrownBy(() -> s.storeDeliverable(List.of(key("k2", 2), key("k1", 3))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("k1");
      assertThatThrownBy(() -> s.storeDeliverable(List.of(key("k3", 2), key("k3", 3))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("k3");

      assertThat(s.deliverableCount("saeSlave")).isEqualTo(1);
      assertThat(s.takeForSlave("k2", "saeSlave", "saeMaster")).isEmpty();
      assertThat(s.takeForSlave("k3", "saeSlave", "saeMaster")).isEmpty();
    }
  }

  @Test
  void deliverable_afterReopen_survivesUntilTakenThenStaysGone() {
    DeliverableKey k1 = key("k1", 1);
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      s.storeDeliverable(List.of(k1, key("k2", 2)));
      s.storeDeliverable(List.of(new DeliverableKey("k9", "m", "other", frame(16, 9))));
    }
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      assertThat(s.deliverableCount("saeSlave")).isEqualTo(2);
      assertThat(s.deliverableCount("other")).isEqualTo(1);
      KeyMaterial got = s.takeForSlave("k1", "saeSlave", "saeMaster").orElseThrow();
      assertThat(got.contentEquals(k1.key())).isTrue();
    }
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster")).isEmpty();
      assertThat(s.deliverableCount("saeSlave")).isEqualTo(1);
    }
  }

  @Test
  void takeAllForSlave_oneNotYours_returnsEmptyAndDeletesNothing() {
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      s.storeDeliverable(List.of(key("k1", 1), key("k2", 2)));
      s.storeDeliverable(List.of(new DeliverableKey("k3", "saeMaster", "other", frame(16, 3))));

      assertThat(s.takeAllForSlave(List.of("k1", "k3"), "saeSlave", "saeMaster")).isEmpty();
      assertThat(s.takeAllForSlave(List.of("k1", "missing"), "saeSlave", "saeMaster")).isEmpty();
      assertThat(s.takeAllForSlave(List.of("k1", "k1"), "saeSlave", "saeMaster")).isEmpty();
      assertThat(s.deliverableCount("saeSlave")).isEqualTo(2);
      assertThat(s.deliverableCount("other")).isEqualTo(1);
    }
  }

  @Test
  void takeAllForSlave_allYours_returnsAllInOrderAndDeletesThem() {
    DeliverableKey k1 = key("k1", 1);
    DeliverableKey k2 = key("k2", 2);
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      s.storeDeliverable(List.of(k1, k2));

      List<Optional<KeyMaterial>> got =
          s.takeAllForSlave(List.of("k2", "k1"), "saeSlave", "saeMaster");

      assertThat(got).hasSize(2);
      assertThat(got.get(0).orElseThrow().contentEquals(k2.key())).isTrue();
      assertThat(got.get(1).orElseThrow().contentEquals(k1.key())).isTrue();
      assertThat(s.deliverableCount("saeSlave")).isZero();
      assertThat(s.takeForSlave("k2", "saeSlave", "saeMaster")).isEmpty();
    }
  }
}
