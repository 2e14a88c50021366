package org.qkdnet.qnode.keystore;

import org.qkdnet.qnode.crypto.TestKek;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Halts a real JVM at {@code keystore.afterReserveSync} and recovers its store here. */
class CrashRecoveryTest {
  @TempDir Path dir;

  /** Child process: fills a pool, reserves, and (with the crash property) halts right after. */
  public static final class Child {
    private Child() {}

    public static void main(String[] args) {
      StationKeyStore store = StationKeyStore.open(Path.of(args[0]), "A", TestKek.kek());
      SplitFrames.append(store, "B", 0, TestPads.frame(200, 1));
      store.reserve("B", 25, "victim");
      System.exit(3); // not reached when the crash point fires
    }
  }

  /** Child process: transit station B accepts from A and reserves toward C in one step. */
  public static final class TransitChild {
    private TransitChild() {}

    public static void main(String[] args) {
      StationKeyStore store = StationKeyStore.open(Path.of(args[0]), "B", TestKek.kek());
      SplitFrames.append(store, "A", 0, TestPads.frame(200, 1));
      SplitFrames.append(store, "C", 0, TestPads.frame(200, 2));
      store.acceptAndReserve("A", 10, 40, "victim", "C", 40, pad -> true);
      System.exit(3); // not reached when the crash point fires
    }
  }

  /** Child process: a key waits for its slave; a fetch hands it out and halts before answering. */
  public static final class FetchChild {
    private FetchChild() {}

    public static void main(String[] args) {
      StationKeyStore store = StationKeyStore.open(Path.of(args[0]), "D", TestKek.kek());
      store.storeDeliverable(java.util.List.of(new DeliverableKey("k1", "M", "S", TestPads.frame(32, 7))));
      store.handOutForSlave(java.util.List.of("k1"), "S", "M");
      System.exit(3); // not reached when the crash point fires
    }
  }

  @Test
  void handOut_haltedBeforeTheAnswer_keyWaitsForTheSlaveAgain() throws Exception {
    Path db = dir.resolve("db");
    CrashingChild.run(dir, FetchChild.class, "keystore.afterHandOut", 0, db.toString());

    try (StationKeyStore d = StationKeyStore.open(db, "D", TestKek.kek())) {
      assertThat(d.fetchesReturnedAtOpen()).isEqualTo(1);
      assertThat(d.takeForSlave("k1", "S", "M").orElseThrow().contentEquals(TestPads.frame(32, 7))).isTrue();
      assertThat(d.takeForSlave("k1", "S", "M")).isEmpty();
    }
  }

  @Test
  void acceptAndReserve_haltedAfterSync_incomingStaysUsedReservationIsBurned() throws Exception {
    Path db = dir.resolve("db");
    CrashingChild.run(dir, TransitChild.class, "keystore.afterTransitSync", 0, db.toString());

    try (StationKeyStore b = StationKeyStore.open(db, "B", TestKek.kek())) {
      assertThat(b.ledger(new StreamId("A", "B"))).isEqualTo(new Ledger(100, 60, 0, 40, 0));
      assertThat(b.ledger(new StreamId("B", "C"))).isEqualTo(new Ledger(100, 60, 0, 0, 40));
    }
  }

  @Test
  void reserve_haltedAfterSync_reservationIsBurnedOnReopen() throws Exception {
    Path db = dir.resolve("db");
    CrashingChild.run(dir, Child.class, "keystore.afterReserveSync", 0, db.toString());

    try (StationKeyStore a = StationKeyStore.open(db, "A", TestKek.kek())) {
      assertThat(a.ledger(new StreamId("A", "B"))).isEqualTo(new Ledger(100, 75, 0, 0, 25));
    }
  }
}
