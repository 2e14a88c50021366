package org.qkdnet.qnode.kme;

import org.qkdnet.qnode.crypto.TestKek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.StationKeyStore;

class KmeTest {
  static final List<SaeEntry> REGISTRY =
      List.of(
          new SaeEntry("bank-a", "WUH"),
          new SaeEntry("bank-b", "WUH"),
          new SaeEntry("etc-1", "EZH"),
          new SaeEntry("etc-2", "EZH"));
  static final KmeLimits LIMITS = new KmeLimits(8, 1024, 64, 256, 1);

  @TempDir Path dir;
  StationKeyStore wuhStore;
  StationKeyStore ezhStore;
  StoringRelayer relayer;
  Kme wuh;
  Kme ezh;
  /** Runs the delayed deletes of taken answers. */
  java.util.concurrent.ExecutorService deletes = java.util.concurrent.Executors.newSingleThreadExecutor();

  @BeforeEach
  void setUp() throws Exception {
    wuhStore = StationKeyStore.open(dir.resolve("wuh"), "WUH", TestKek.kek());
    ezhStore = StationKeyStore.open(dir.resolve("ezh"), "EZH", TestKek.kek());
    relayer = new StoringRelayer(ezhStore, 10_000);
    wuh = new Kme("WUH", REGISTRY, LIMITS, wuhStore, relayer, new SecureRandom());
    ezh = new Kme("EZH", REGISTRY, LIMITS, ezhStore, new StoringRelayer(wuhStore, 0), new SecureRandom());
  }

  @AfterEach
  void tearDown() throws Exception {
    deletes.shutdownNow();
    wuhStore.close();
    ezhStore.close();
  }

  @Test
  void encKeys_localSlave_slaveFetchesIdenticalKeysWithoutRelay() {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 3, 256, List.of(), List.of()));

    List<IssuedKey> slave = join(wuh.decKeys("bank-b", "bank-a", ids(master)));

    assertThat(master).hasSize(3);
    assertSameKeys(master, slave);
    assertThat(master.get(0).key().length()).isEqualTo(32);
    assertThat(relayer.requests()).isEmpty();
  }

  @Test
  void encKeys_remoteSlave_relaysAndSlaveFetchesAtItsStation() {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "etc-1", 2, 128, List.of(), List.of()));

    List<IssuedKey> slave = join(ezh.decKeys("etc-1", "bank-a", ids(master)));

    assertSameKeys(master, slave);
    assertThat(relayer.requests()).singleElement()
        .satisfies(r -> {
          assertThat(r.destinationStation()).isEqualTo("EZH");
          assertThat(r.keySizeBytes()).isEqualTo(16);
          assertThat(r.keyIds()).isEqualTo(ids(master));
        });
  }

  @Test
  void encKeys_relayPoolExhausted_fails503AndNothingStored() {
    relayer.failWith(RelayFailedException.POOL_EXHAUSTED);

    KmeException e = failure(wuh.encKeys("bank-a", "etc-1", 2, 128, List.of(), List.of()));

    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(e.getMessage()).isEqualTo("not enough key material on the route");
    assertThat(e.details()).containsExactly("POOL_EXHAUSTED");
    assertThat(ezhStore.deliverableCount("etc-1")).isZero();
  }

  @Test
  void encKeys_relayTimeout_fails503WithReason() {
    relayer.failWith(RelayFailedException.TIMEOUT);

    KmeException e = failure(wuh.encKeys("bank-a", "etc-1", 1, 128, List.of(), List.of()));

    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(e.details()).containsExactly("TIMEOUT");
  }

  @Test
  void encKeys_relayAnswersTooFewKeys_fails503() {
    relayer.dropOneKey();

    KmeException e = failure(wuh.encKeys("bank-a", "etc-1", 2, 128, List.of(), List.of()));

    assertThat(e.httpStatus()).isEqualTo(503);
  }

  @Test
  void encKeys_relayerThrows_fails503() {
    KeyRelayer throwing =
        new KeyRelayer() {
          @Override
          public CompletionStage<RelayedKeys> relayKeys(RelayRequest r) {
            throw new IllegalStateException("boom");
          }

          @Override
          public long availableKeyBytes(String master, String slave, String s) {
            return 0;
          }
        };
    Kme kme = new Kme("WUH", REGISTRY, LIMITS, wuhStore, throwing, new SecureRandom());

    assertThat(failure(kme.encKeys("bank-a", "etc-1", 1, 128, List.of(), List.of())).httpStatus())
        .isEqualTo(503);
  }

  @Test
  void encKeys_callerRegisteredAtAnotherStation_fails401() {
    KmeException e = failure(wuh.encKeys("etc-1", "bank-a", 1, 128, List.of(), List.of()));

    assertThat(e.httpStatus()).isEqualTo(401);
  }

  @Test
  void encKeys_unknownSlave_fails400() {
    KmeException e = failure(wuh.encKeys("bank-a", "nobody", 1, 128, List.of(), List.of()));

    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("unknown slave SAE");
  }

  @Test
  void encKeys_slaveIsCaller_fails400() {
    assertThat(failure(wuh.encKeys("bank-a", "bank-a", 1, 128, List.of(), List.of())).httpStatus())
        .isEqualTo(400);
  }

  @Test
  void encKeys_sizeNotMultipleOf8_fails400AndRelaysNothing() {
    KmeException e = failure(wuh.encKeys("bank-a", "etc-1", 1, 129, List.of(), List.of()));

    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.getMessage()).contains("multiple of 8");
    assertThat(relayer.requests()).isEmpty();
  }

  @Test
  void encKeys_sizeOutsideLimits_fails400() {
    assertThat(failure(wuh.encKeys("bank-a", "etc-1", 1, 56, List.of(), List.of())).httpStatus())
        .isEqualTo(400);
    assertThat(failure(wuh.encKeys("bank-a", "etc-1", 1, 1032, List.of(), List.of())).httpStatus())
        .isEqualTo(400);
  }

  @Test
  void encKeys_numberOutOfRange_fails400() {
    assertThat(failure(wuh.encKeys("bank-a", "bank-b", 0, 128, List.of(), List.of())).httpStatus())
        .isEqualTo(400);
    assertThat(failure(wuh.encKeys("bank-a", "bank-b", 9, 128, List.of(), List.of())).getMessage())
        .contains("between 1 and 8");
    assertThat(wuhStore.deliverableCount("bank-b")).isZero();
  }

  @Test
  void encKeys_mandatoryExtension_fails400() {
    KmeException e = failure(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of("x")));

    assertThat(e.getMessage()).isEqualTo("unsupported mandatory extension");
  }

  @Test
  void encKeys_tooManyAdditionalSlaves_fails400() {
    KmeException e =
        failure(wuh.encKeys("bank-a", "etc-1", 1, 128, List.of("etc-2", "bank-b"), List.of()));

    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.getMessage()).contains("at most 1");
  }

  @Test
  void encKeys_additionalSlave_fails400AsUnsupported() {
    KmeException e = failure(wuh.encKeys("bank-a", "etc-1", 1, 128, List.of("etc-2"), List.of()));

    assertThat(e.getMessage()).contains("not supported");
    assertThat(relayer.requests()).isEmpty();
  }

  @Test
  void decKeys_notTheDesignatedSlave_failsLikeUnknownKey() {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "etc-1", 1, 128, List.of(), List.of()));

    KmeException wrongSlave = failure(ezh.decKeys("etc-2", "bank-a", ids(master)));
    KmeException unknown =
        failure(ezh.decKeys("etc-1", "bank-a", List.of(UUID.randomUUID().toString())));

    assertThat(wrongSlave.httpStatus()).isEqualTo(400).isEqualTo(unknown.httpStatus());
    assertThat(wrongSlave.getMessage()).isEqualTo(Kme.KEY_NOT_FOUND).isEqualTo(unknown.getMessage());
    assertThat(wrongSlave.details()).isEqualTo(unknown.details());
    // the refused attempt consumed nothing: the real slave still gets its key
    assertSameKeys(master, join(ezh.decKeys("etc-1", "bank-a", ids(master))));
  }

  @Test
  void decKeys_wrongMaster_failsKeyNotFound() {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of()));

    KmeException e = failure(ezh.decKeys("etc-1", "bank-b", ids(master)));

    assertThat(e.getMessage()).isEqualTo(Kme.KEY_NOT_FOUND);
  }

  @Test
  void handOutKeys_answerNotSent_keysWaitForTheSlaveAgain() {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 2, 128, List.of(), List.of()));
    List<byte[]> sent = master.stream().map(k -> k.key().copyBytes()).toList();
    Kme.Fetch first = join(wuh.handOutKeys("bank-b", "bank-a", ids(master)));
    // while it is being answered, the same keys are nobody's
    assertThat(failure(wuh.decKeys("bank-b", "bank-a", ids(master))).getMessage()).isEqualTo(Kme.KEY_NOT_FOUND);

    first.giveUp();

    assertThat(first.settled()).isTrue();
    first.keys().forEach(k -> k.key().zeroize());
    List<IssuedKey> again = join(wuh.decKeys("bank-b", "bank-a", ids(master)));
    for (int i = 0; i < again.size(); i++) {
      assertThat(again.get(i).key().copyBytes()).isEqualTo(sent.get(i));
    }
    assertThat(failure(wuh.decKeys("bank-b", "bank-a", ids(master))).getMessage()).isEqualTo(Kme.KEY_NOT_FOUND);
  }

  @Test
  void handOutKeys_sendingStarted_giveUpDoesNothingAndTheAnswerDeletesThem() {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of()));
    Kme.Fetch f = join(wuh.handOutKeys("bank-b", "bank-a", ids(master)));

    assertThat(f.startSending()).isTrue();
    f.giveUp();
    assertThat(f.settled()).isFalse();
    f.answered(true);
    f.answered(false); // only the first settlement counts

    assertThat(wuhStore.deliverables()).isEmpty();
    assertThat(failure(wuh.decKeys("bank-b", "bank-a", ids(master))).getMessage()).isEqualTo(Kme.KEY_NOT_FOUND);
  }

  @Test
  void handOutKeys_takenByTheServer_keysKeptAMomentThenDeleted() throws Exception {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of()));
    Kme.Fetch f = takenByTheServer(master, java.time.Duration.ofMillis(300));

    // not deleted the moment the server took the body (its bytes may not have left the process)
    assertThat(f.settled()).isFalse();
    assertThat(wuh.takenAnswersPending()).isEqualTo(1);
    assertThat(failure(wuh.decKeys("bank-b", "bank-a", ids(master))).getMessage()).isEqualTo(Kme.KEY_NOT_FOUND);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(f::settled);
    assertThat(wuhStore.deliverables()).isEmpty();
    assertThat(wuh.takenAnswersPending()).isZero();
  }

  @Test
  void handOutKeys_takenThenOrderlyStop_settleDeletesAtOnceAndNothingComesBack() throws Exception {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 2, 128, List.of(), List.of()));
    wuh.deleteTakenAfter(java.time.Duration.ofHours(1));
    Kme.Fetch f = join(wuh.handOutKeys("bank-b", "bank-a", ids(master)));
    assertThat(f.startSending()).isTrue();
    f.taken(Runnable::run);

    assertThat(wuh.settleTakenAnswers()).isEqualTo(1);
    assertThat(wuh.settleTakenAnswers()).as("settled once").isZero();
    wuhStore.close();
    wuhStore = StationKeyStore.open(dir.resolve("wuh"), "WUH", TestKek.kek());

    assertThat(wuhStore.fetchesReturnedAtOpen()).isZero();
    assertThat(wuhStore.deliverables()).isEmpty();
  }

  @Test
  void handOutKeys_takenThenCrashBeforeTheDelete_keysComeBackForTheSameSlaveOnly() throws Exception {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of()));
    List<byte[]> sent = master.stream().map(k -> k.key().copyBytes()).toList();
    wuh.deleteTakenAfter(java.time.Duration.ofHours(1));
    Kme.Fetch f = join(wuh.handOutKeys("bank-b", "bank-a", ids(master)));
    assertThat(f.startSending()).isTrue();
    f.taken(Runnable::run);

    // the process dies inside the moment: no settle, the store is simply opened again
    wuhStore.close();
    wuhStore = StationKeyStore.open(dir.resolve("wuh"), "WUH", TestKek.kek());
    Kme restarted = new Kme("WUH", REGISTRY, LIMITS, wuhStore, relayer, new SecureRandom());

    assertThat(wuhStore.fetchesReturnedAtOpen()).isEqualTo(1);
    assertThat(failure(restarted.decKeys("bank-a", "bank-a", ids(master))).getMessage()).isEqualTo(Kme.KEY_NOT_FOUND);
    List<IssuedKey> again = join(restarted.decKeys("bank-b", "bank-a", ids(master)));
    assertThat(again.get(0).key().copyBytes()).isEqualTo(sent.get(0));
    assertThat(failure(restarted.decKeys("bank-b", "bank-a", ids(master))).getMessage()).isEqualTo(Kme.KEY_NOT_FOUND);
  }

  @Test
  void quiesceFetches_stopping_refusesNewFetchesAndWaitsForTheTakenAnswerToBeDeleted() throws Exception {
    List<IssuedKey> first = join(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of()));
    List<IssuedKey> second = join(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of()));
    Kme.Fetch f = takenByTheServer(first, java.time.Duration.ofMillis(200));

    assertThat(wuh.quiesceFetches(java.time.Duration.ofSeconds(10))).isTrue();

    assertThat(f.settled()).as("the taken answer's delete ran before the quiesce returned").isTrue();
    KmeException refused = failure(wuh.decKeys("bank-b", "bank-a", ids(second)));
    assertThat(refused.httpStatus()).isEqualTo(503);
    assertThat(refused.details()).containsExactly("STOPPING");
    assertThat(wuhStore.deliverables()).extracting(d -> d.keyId()).containsExactly(ids(second).get(0));
  }

  /** The slave's fetch of {@code keys}, its answer taken by the server; deleted {@code after} that. */
  private Kme.Fetch takenByTheServer(List<IssuedKey> keys, java.time.Duration after) {
    wuh.deleteTakenAfter(after);
    Kme.Fetch f = join(wuh.handOutKeys("bank-b", "bank-a", ids(keys)));
    assertThat(f.startSending()).isTrue();
    f.taken(deletes);
    return f;
  }

  @Test
  void quiesceFetches_answerNeverSettles_returnsFalseAtTheBound() throws Exception {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of()));
    Kme.Fetch f = join(wuh.handOutKeys("bank-b", "bank-a", ids(master)));
    assertThat(f.startSending()).isTrue(); // and then nothing: the server hangs

    assertThat(wuh.quiesceFetches(java.time.Duration.ofMillis(100))).isFalse();
    f.answered(false);
    assertThat(wuh.quiesceFetches(java.time.Duration.ofMillis(100))).isTrue();
  }

  @Test
  void handOutKeys_givenUp_cannotStartSendingAnyMore() {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of()));
    Kme.Fetch f = join(wuh.handOutKeys("bank-b", "bank-a", ids(master)));

    f.giveUp();

    assertThat(f.startSending()).as("an answer given up must not be sent: its keys wait again").isFalse();
    assertThat(wuhStore.deliverableCount("bank-b")).isEqualTo(1);
  }

  @Test
  void decKeys_secondFetch_failsKeyNotFound() {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 2, 128, List.of(), List.of()));
    join(wuh.decKeys("bank-b", "bank-a", ids(master)));

    KmeException e = failure(wuh.decKeys("bank-b", "bank-a", ids(master)));

    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo(Kme.KEY_NOT_FOUND);
  }

  @Test
  void decKeys_oneUnknownAmongKnown_failsAndKeepsTheKnownKeys() {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of()));

    KmeException e =
        failure(
            wuh.decKeys(
                "bank-b", "bank-a", List.of(master.get(0).keyId(), UUID.randomUUID().toString())));

    assertThat(e.getMessage()).isEqualTo(Kme.KEY_NOT_FOUND);
    assertThat(wuhStore.deliverableCount("bank-b")).isEqualTo(1);
  }

  @Test
  void decKeys_malformedId_fails400WithoutEchoingIt() {
    String evil = "<script>" + "x".repeat(5000);

    KmeException e = failure(wuh.decKeys("bank-b", "bank-a", List.of(evil)));

    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.getMessage()).doesNotContain("script").hasSizeLessThan(100);
    assertThat(e.details()).allSatisfy(d -> assertThat(d).doesNotContain("script"));
  }

  @Test
  void decKeys_uppercaseId_findsTheKey() {
    List<IssuedKey> master = join(wuh.encKeys("bank-a", "bank-b", 1, 128, List.of(), List.of()));

    List<IssuedKey> slave =
        join(wuh.decKeys("bank-b", "bank-a", List.of(master.get(0).keyId().toUpperCase())));

    assertThat(slave.get(0).key().contentEquals(master.get(0).key())).isTrue();
  }

  @Test
  void decKeys_tooManyOrNoIds_fails400() {
    List<String> nine =
        java.util.stream.Stream.generate(() -> UUID.randomUUID().toString()).limit(9).toList();

    assertThat(failure(wuh.decKeys("bank-b", "bank-a", nine)).httpStatus()).isEqualTo(400);
    assertThat(failure(wuh.decKeys("bank-b", "bank-a", List.of())).httpStatus()).isEqualTo(400);
  }

  @Test
  void decKeys_callerNotRegisteredHere_fails401() {
    assertThat(
            failure(wuh.decKeys("etc-1", "bank-a", List.of(UUID.randomUUID().toString())))
                .httpStatus())
        .isEqualTo(401);
  }

  @Test
  void status_remoteSlave_reportsKeysOfDefaultSizeFromRelayEstimate() {
    relayer.setAvailableBytes(32 * 5 + 7);

    KeyStatus s = join(wuh.status("bank-a", "etc-1"));

    assertThat(s.sourceKmeId()).isEqualTo("WUH");
    assertThat(s.targetKmeId()).isEqualTo("EZH");
    assertThat(s.keySize()).isEqualTo(256);
    assertThat(s.storedKeyCount()).isEqualTo(5);
    assertThat(s.maxKeyPerRequest()).isEqualTo(8);
    assertThat(s.maxKeyCount()).isGreaterThanOrEqualTo(s.storedKeyCount());
  }

  @Test
  void status_localSlave_reportsMaxKeyCount() {
    KeyStatus s = join(wuh.status("bank-a", "bank-b"));

    assertThat(s.targetKmeId()).isEqualTo("WUH");
    assertThat(s.storedKeyCount()).isEqualTo(8);
  }

  @Test
  void status_unknownCallerOrSlave_fails() {
    assertThat(failure(wuh.status("stranger", "bank-b")).httpStatus()).isEqualTo(401);
    assertThat(failure(wuh.status("bank-a", "nobody")).getMessage()).isEqualTo("unknown slave SAE");
  }

  @Test
  void constructor_duplicateSaeInRegistry_isRejected() {
    List<SaeEntry> dup = List.of(new SaeEntry("a", "WUH"), new SaeEntry("a", "EZH"));

    Throwable t = catchThrowable(() -> new Kme("WUH", dup, LIMITS, wuhStore, relayer, new SecureRandom()));

    assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }

  static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  static KmeException failure(CompletionStage<?> stage) {
    Throwable t = catchThrowable(() -> stage.toCompletableFuture().join());
    assertThat(t).isInstanceOf(CompletionException.class).hasCauseInstanceOf(KmeException.class);
    return (KmeException) t.getCause();
  }

  static List<String> ids(List<IssuedKey> keys) {
    return keys.stream().map(IssuedKey::keyId).toList();
  }

  static void assertSameKeys(List<IssuedKey> a, List<IssuedKey> b) {
    assertThat(ids(b)).isEqualTo(ids(a));
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).key().contentEquals(a.get(i).key())).as("key %d", i).isTrue();
    }
  }
}
