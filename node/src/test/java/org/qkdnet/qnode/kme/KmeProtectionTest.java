package org.qkdnet.qnode.kme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qkdnet.qnode.kme.KmeTest.failure;
import static org.qkdnet.qnode.kme.KmeTest.join;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.TestKek;
import org.qkdnet.qnode.keystore.StationKeyStore;

/** Issue 10 item 3: the access policy, the slave backlog cap and fair shares at the KME. */
class KmeProtectionTest {
  // etc-2 may share keys with bank-a only
  private static final AccessPolicy POLICY =
      (m, s) -> !(m.equals("etc-2") || s.equals("etc-2")) || m.equals("bank-a") || s.equals("bank-a");

  @TempDir Path dir;
  StationKeyStore wuhStore;
  StationKeyStore ezhStore;
  StoringRelayer relayer;
  final AtomicLong nanos = new AtomicLong();

  @BeforeEach
  void setUp() {
    wuhStore = StationKeyStore.open(dir.resolve("wuh"), "WUH", TestKek.kek());
    ezhStore = StationKeyStore.open(dir.resolve("ezh"), "EZH", TestKek.kek());
    relayer = new StoringRelayer(ezhStore, 10_000);
  }

  @AfterEach
  void tearDown() {
    wuhStore.close();
    ezhStore.close();
  }

  private Kme kme(String station, StationKeyStore store, FairShare fair, long cap) {
    return new Kme(station, KmeTest.REGISTRY, KmeTest.LIMITS, store, relayer, new SecureRandom(), POLICY, fair, cap);
  }

  @Test
  void aPairOutsideThePolicy_gets401AndConsumesNothing_whileAllowedPairsWork() {
    Kme wuh = kme("WUH", wuhStore, null, Long.MAX_VALUE);
    Kme ezh = kme("EZH", ezhStore, null, Long.MAX_VALUE);

    KmeException refused = failure(ezh.encKeys("etc-1", "etc-2", 1, 256, List.of(), List.of()));
    assertThat(refused.httpStatus()).isEqualTo(401);
    assertThat(refused.getMessage()).contains("access policy");
    assertThat(ezhStore.deliverableCount("etc-2")).isZero();
    assertThat(failure(wuh.encKeys("bank-b", "etc-2", 1, 256, List.of(), List.of())).httpStatus()).isEqualTo(401);
    assertThat(relayer.requests()).isEmpty();
    assertThat(failure(wuh.status("bank-b", "etc-2")).httpStatus()).isEqualTo(401);

    List<IssuedKey> ok = join(wuh.encKeys("bank-a", "etc-2", 1, 256, List.of(), List.of()));
    assertThat(join(ezh.decKeys("etc-2", "bank-a", List.of(ok.get(0).keyId())))).hasSize(1);
  }

  @Test
  void decKeys_unknownOrDisallowedMaster_answersExactlyLikeAnUnknownKey() {
    Kme ezh = kme("EZH", ezhStore, null, Long.MAX_VALUE);
    List<String> ids = List.of(UUID.randomUUID().toString());
    KmeException unknownKey = failure(ezh.decKeys("etc-2", "bank-a", ids));
    KmeException unknownMaster = failure(ezh.decKeys("etc-2", "nobody", ids));
    KmeException disallowed = failure(ezh.decKeys("etc-2", "bank-b", ids));
    for (KmeException e : List.of(unknownMaster, disallowed)) {
      assertThat(e.httpStatus()).isEqualTo(unknownKey.httpStatus());
      assertThat(e.getMessage()).isEqualTo(unknownKey.getMessage()).isEqualTo(Kme.KEY_NOT_FOUND);
      assertThat(e.details()).isEqualTo(unknownKey.details());
    }
  }

  @Test
  void keysWaitingForASlave_areCapped_andTheCapFreesWhenFetched() {
    Kme wuh = kme("WUH", wuhStore, null, 8);
    List<IssuedKey> first = join(wuh.encKeys("bank-a", "bank-b", 8, 256, List.of(), List.of()));
    KmeException full = failure(wuh.encKeys("bank-a", "bank-b", 1, 256, List.of(), List.of()));
    assertThat(full.httpStatus()).isEqualTo(503);
    assertThat(full.details()).containsExactly("SLAVE_BACKLOG");
    assertThat(wuhStore.deliverableCount("bank-b")).isEqualTo(8);

    join(wuh.decKeys("bank-b", "bank-a", first.stream().map(IssuedKey::keyId).toList()));
    assertThat(join(wuh.encKeys("bank-a", "bank-b", 1, 256, List.of(), List.of()))).hasSize(1);
  }

  @Test
  void whileRouteKeyIsScarce_aFloodingPairIsHeldToItsShare_andTheOtherPairIsServed() {
    relayer = new StoringRelayer(ezhStore, 1_000); // below scarce-below: shares apply
    FairShare fair = new FairShare(Duration.ofSeconds(10), 64 * 1024, nanos::get);
    Kme wuh = kme("WUH", wuhStore, fair, Long.MAX_VALUE);
    int floodOk = 0;
    int floodRefused = 0;
    int otherOk = 0;
    for (int round = 0; round < 50; round++) {
      nanos.addAndGet(20_000_000L); // 20 ms between rounds
      for (int i = 0; i < 5; i++) { // bank-a asks five times as often
        try {
          join(wuh.encKeys("bank-a", "etc-1", 1, 256, List.of(), List.of()));
          floodOk++;
        } catch (java.util.concurrent.CompletionException e) {
          assertThat(((KmeException) e.getCause()).details()).containsExactly("FAIR_SHARE");
          floodRefused++;
        }
      }
      join(wuh.encKeys("bank-b", "etc-1", 1, 256, List.of(), List.of()));
      otherOk++;
    }
    assertThat(otherOk).isEqualTo(50);
    assertThat(floodRefused).isPositive();
    assertThat(floodOk).as("the flooding pair keeps about an equal share").isBetween(45, 60);
  }
}
