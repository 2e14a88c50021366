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

  @Test
  void handOut_untilSettled_invisibleToOtherFetchesAndUncounted() {
    DeliverableKey k = key("k1", 1);
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      s.storeDeliverable(List.of(k, key("k2", 2)));

      List<Optional<KeyMaterial>> got = s.handOutForSlave(List.of("k1"), "saeSlave", "saeMaster");

      assertThat(got).hasSize(1);
      assertThat(got.get(0).orElseThrow().contentEquals(k.key())).isTrue();
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster")).as("being answered").isEmpty();
      assertThat(s.handOutForSlave(List.of("k1"), "saeSlave", "saeMaster")).isEmpty();
      // all or nothing: one key being answered fails the whole request and takes nothing
      assertThat(s.handOutForSlave(List.of("k2", "k1"), "saeSlave", "saeMaster")).isEmpty();
      assertThat(s.deliverableCount("saeSlave")).isEqualTo(1);
      assertThat(s.deliverables()).extracting(DeliverableInfo::keyId).contains("k1", "k2");
    }
  }

  @Test
  void handOut_makesNoSyncedWrite_aPowerCutThatLosesItsMark_leavesTheKeyWaitingForTheSlave() {
    DeliverableKey k = key("k1", 1);
    Path afterCut = dir.resolve("after-power-cut");
    try (StationKeyStore s = StationKeyStore.open(dir.resolve("db"), "D", TestKek.kek())) {
      s.storeDeliverable(List.of(k));
      CrashJournal journal = CrashJournal.start(s, dir.resolve("checkpoint"));
      long syncs = s.syncCount();

      assertThat(s.handOutForSlave(List.of("k1"), "saeSlave", "saeMaster")).hasSize(1);

      assertThat(s.syncCount()).as("no wait for the disk in a dec_keys answer").isEqualTo(syncs);
      assertThat(journal.unsynced()).as("the mark, not yet durable").isPositive();
      journal.restoreAsAfterCrash(afterCut);
    }
    try (StationKeyStore s = StationKeyStore.open(afterCut, "D", TestKek.kek())) {
      assertThat(s.deliverableCount("saeSlave")).isEqualTo(1);
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster").orElseThrow().contentEquals(k.key())).isTrue();
    }
  }

  @Test
  void handOut_delivered_goneForGoodAlsoAfterReopen() {
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      s.storeDeliverable(List.of(key("k1", 1)));
      s.handOutForSlave(List.of("k1"), "saeSlave", "saeMaster");

      s.fetchDelivered(List.of("k1"));

      assertThat(s.deliverables()).isEmpty();
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster")).isEmpty();
      assertThat(s.deliverableCount("saeSlave")).isZero();
    }
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      assertThat(s.fetchesReturnedAtOpen()).isZero();
      assertThat(s.deliverables()).isEmpty();
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster")).isEmpty();
    }
  }

  @Test
  void handOut_notDelivered_waitsForTheSlaveAgainOnce() {
    DeliverableKey k = key("k1", 1);
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      s.storeDeliverable(List.of(k));
      s.handOutForSlave(List.of("k1"), "saeSlave", "saeMaster");

      s.fetchNotDelivered(List.of("k1"));
      // a late second settlement of the same answer changes nothing
      s.fetchDelivered(List.of("k2-never-handed-out"));

      assertThat(s.deliverableCount("saeSlave")).isEqualTo(1);
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster").orElseThrow().contentEquals(k.key())).isTrue();
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster")).isEmpty();
    }
  }

  @Test
  void handOut_storeClosedBeforeTheAnswerWasSettled_keyWaitsAgainAfterReopen() {
    DeliverableKey k = key("k1", 1);
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      s.storeDeliverable(List.of(k, key("k2", 2)));
      s.handOutForSlave(List.of("k1"), "saeSlave", "saeMaster");
      s.takeForSlave("k2", "saeSlave", "saeMaster").orElseThrow();
    }
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      assertThat(s.fetchesReturnedAtOpen()).isEqualTo(1);
      assertThat(s.deliverableCount("saeSlave")).isEqualTo(1);
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster").orElseThrow().contentEquals(k.key())).isTrue();
      assertThat(s.takeForSlave("k2", "saeSlave", "saeMaster")).as("fetched for good before").isEmpty();
    }
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek())) {
      assertThat(s.fetchesReturnedAtOpen()).isZero();
      assertThat(s.deliverables()).isEmpty();
    }
  }

  @Test
  void handOut_expiredWhileBeingAnswered_goesAndCountsStayRight() {
    long[] now = {1_000};
    try (StationKeyStore s = StationKeyStore.open(dir, "D", TestKek.kek(), () -> now[0])) {
      s.storeDeliverable(List.of(key("k1", 1), key("k2", 2)));
      s.handOutForSlave(List.of("k1"), "saeSlave", "saeMaster");
      now[0] += 10_000;

      assertThat(s.expireDeliverables(java.time.Duration.ofSeconds(5))).containsEntry("saeSlave", 2);

      assertThat(s.deliverableCount("saeSlave")).isZero();
      assertThat(s.deliverables()).isEmpty();
      s.fetchNotDelivered(List.of("k1")); // the late settlement finds nothing to return
      assertThat(s.deliverableCount("saeSlave")).isZero();
      assertThat(s.takeForSlave("k1", "saeSlave", "saeMaster")).isEmpty();
    }
  }
}
