package org.qkdnet.qnode.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.keystore.CrashingChild;

/**
 * The key-supply exchange halted (as by kill -9) at each named crash point of either end, in a
 * child JVM; afterwards both stores reopen here, the next exchanges repair what the crash left,
 * and the two ends agree byte for byte with no link byte in two directions (I1).
 */
class AssignmentCrashTest {
  @TempDir Path dir;

  /** Child: two ends of a link in one JVM; runs one exchange that the crash point interrupts. */
  public static final class Child {
    private Child() {}

    public static void main(String[] args) {
      Path d = Path.of(args[0]);
      String who = args[1];
      SupplyPair link = new SupplyPair(d, 2_000);
      link.frame(0, 10_000, 1);
      link.frame(1, 10_000, 2);
      // one completed exchange each way first, so the crash hits a link in use
      link.supplyA.ensure(100).toCompletableFuture().join();
      link.supplyB.ensure(100).toCompletableFuture().join();
      if (link.a.supply(SupplyPair.B).nextSeq() != 2 || link.b.supply(SupplyPair.A).nextSeq() != 2) {
        System.exit(4); // the warm-up must be exactly two entries for the skip count to be right
      }
      DirectionSupply asking = who.equals("A") ? link.supplyA : link.supplyB;
      asking.ensure(5_000).toCompletableFuture().join();
      System.exit(3); // not reached when the crash point fires
    }
  }

  /** The warm-up in the child assigns twice and applies twice: skip those, crash in the third. */
  @ParameterizedTest(name = "{0} asks, halted at {1}")
  @CsvSource({
      "A, keystore.afterAssignSync", // assigner created its own entry, the peer never got it
      "B, keystore.afterAssignSync", // assigner created the asker's entry, never answered
      "B, keystore.afterApplySync",  // the asker applied the grant, never used it
      "A, keystore.afterApplySync"   // the peer applied the assigner's entry, never confirmed it
  })
  void exchange_haltedAtCrashPoint_nextExchangesRepairAndEndsAgree(String who, String crashPoint) throws Exception {
    CrashingChild.run(dir, Child.class, crashPoint, 2, dir.toString(), who);

    try (SupplyPair link = new SupplyPair(dir, 2_000)) {
      link.checkAgree();
      // both ends go on: every byte of the link can still be assigned and used, once
      long used = 0;
      for (int i = 0; i < 100; i++) {
        for (String from : new String[] {SupplyPair.A, SupplyPair.B}) {
          DirectionSupply s = from.equals(SupplyPair.A) ? link.supplyA : link.supplyB;
          if (s.ensure(300).toCompletableFuture().join()) {
            assertThat(link.use(from, 300)).isTrue();
            used += 300;
          }
        }
        link.checkAgree();
      }
      assertThat(used).isGreaterThan(20_000 - 2 * 2_000 - 600);
      assertThat(link.a.supply(SupplyPair.B).pendingSend()).isZero();
      assertThat(link.a.supply(SupplyPair.B).unassigned()).isZero();
      assertThat(link.b.supply(SupplyPair.A).unassigned()).isZero();
    }
  }
}
