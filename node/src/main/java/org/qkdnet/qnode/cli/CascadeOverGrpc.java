package org.qkdnet.qnode.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.qkdnet.qnode.config.Bb84Settings;
import org.qkdnet.qnode.crypto.CertificateAuthority;
import org.qkdnet.qnode.crypto.Identity;
import org.qkdnet.qnode.crypto.Role;
import org.qkdnet.qnode.device.QkdDevice.LinkEnds;
import org.qkdnet.qnode.crypto.KeyEncryptionKey;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.link.bb84.Bb84LinkEnd;
import org.qkdnet.qnode.link.bb84.ReconciliationActor;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.CascadeVariant;
import org.qkdnet.qnode.linkservice.LinkGrpcServer;
import org.qkdnet.qnode.linkservice.LinkTls;
import org.qkdnet.qnode.linkservice.NeighbourClients;

/**
 * Cascade between two stations' reconciliation actors over LinkService: two ActorSystems (Alice
 * "AAA", Bob "BBB"), each actor on the pinned reconciliation dispatcher, Bob's rounds as
 * Reconcile calls over loopback gRPC with mutual TLS (station certificates of a throw-away CA
 * written to a temporary directory). Frames are pipelined {@code inFlight} at a time.
 */
final class CascadeOverGrpc implements AutoCloseable {
  private static final String ALICE = "AAA";
  private static final String BOB = "BBB";
  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(30);

  /** One reconciled frame. */
  record Outcome(BitString corrected, long leakedBits, int roundTrips, String failure) {}

  private final Path dir;
  private final ActorSystem<Void> aliceSystem;
  private final ActorSystem<Void> bobSystem;
  private final StationKeyStore aliceStore;
  private final StationKeyStore bobStore;
  private final LinkGrpcServer server;
  private final NeighbourClients clients;
  private final Bb84LinkEnd alice;
  private final ActorRef<ReconciliationActor.Command> bobActor;

  CascadeOverGrpc() throws Exception {
    dir = Files.createTempDirectory("qnode-bench-cascade");
    CertificateAuthority ca = CertificateAuthority.create("qnode bench CA");
    ca.writeTo(dir.resolve("pki"));
    Identity aliceId = ca.issue(Role.STATION, ALICE);
    Identity bobId = ca.issue(Role.STATION, BOB);
    Config cfg = ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.stdout-loglevel = ERROR
        qkd.reconciliation-dispatcher { type = PinnedDispatcher, executor = "thread-pool-executor" }
        """).withFallback(ConfigFactory.defaultReference()).resolve();
    Bb84Settings settings = Bb84Settings.create(ConfigFactory.defaultReference().resolve());
    LinkEnds link = LinkEnds.of(ALICE, BOB, 25);
    // throw-away stores of a benchmark: their KEK lives in memory only, like their key
    try (KeyEncryptionKey kek = KeyEncryptionKey.ephemeral("bench cascade")) {
      aliceStore = StationKeyStore.open(dir.resolve("alice"), ALICE, kek);
      bobStore = StationKeyStore.open(dir.resolve("bob"), BOB, kek);
    }
    alice = new Bb84LinkEnd(ALICE, link, "bench", settings, aliceStore, 1 << 20, 1.0, 0);
    Bb84LinkEnd bob = new Bb84LinkEnd(BOB, link, "bench", settings, bobStore, 1 << 20, 1.0, 0);

    aliceSystem = ActorSystem.create(Behaviors.empty(), "alice", cfg);
    bobSystem = ActorSystem.create(Behaviors.empty(), "bob", cfg);
    ActorRef<ReconciliationActor.Command> aliceActor = spawn(aliceSystem,
        ReconciliationActor.create(alice, null), "reconciliation-" + BOB);
    alice.answerer(ReconciliationActor.answerer(aliceActor, ROUND_TIMEOUT));
    server = LinkGrpcServer.start("127.0.0.1", 0, new LinkTls(aliceId, ca.certificate()), ALICE, Set.of(BOB),
        null, Map.of(), Map.of(BOB, alice), Map.of());
    int port = server.port();
    clients = new NeighbourClients(BOB, new LinkTls(bobId, ca.certificate()),
        n -> new NeighbourClients.Address("127.0.0.1", port));
    bobActor = spawn(bobSystem, ReconciliationActor.create(bob, clients), "reconciliation-" + ALICE);
  }

  /** Spawns a top-level actor on the reconciliation dispatcher through the system's guardian. */
  private static <T> ActorRef<T> spawn(ActorSystem<Void> system, org.apache.pekko.actor.typed.Behavior<T> b,
      String name) throws Exception {
    return AskPattern.<org.apache.pekko.actor.typed.SpawnProtocol.Command, ActorRef<T>>ask(
        spawner(system), replyTo -> new org.apache.pekko.actor.typed.SpawnProtocol.Spawn<>(b, name,
            DispatcherSelector.fromConfig(ReconciliationActor.DISPATCHER), replyTo),
        Duration.ofSeconds(10), system.scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ActorRef<org.apache.pekko.actor.typed.SpawnProtocol.Command> spawner(ActorSystem<Void> system)
      throws Exception {
    return system.systemActorOf(org.apache.pekko.actor.typed.SpawnProtocol.create(), "bench-spawner",
        org.apache.pekko.actor.typed.Props.empty());
  }

  /** Starts reconciling one frame: Alice's copy is opened at her end, Bob's goes to his actor. */
  CompletionStage<Outcome> reconcile(long raw, BitString aliceKey, BitString bobKey, CascadeVariant v, double qber,
      long permutationSeed) {
    alice.alice().openForReconciliation(raw, aliceKey, permutationSeed);
    CompletionStage<ReconciliationActor.Reconciled> r = AskPattern.ask(bobActor,
        replyTo -> new ReconciliationActor.Reconcile(raw, bobKey, v, qber, permutationSeed, replyTo),
        Duration.ofMinutes(5), bobSystem.scheduler());
    return r.thenApply(x -> {
      alice.alice().drop(raw, "bench frame done");
      return new Outcome(x.corrected(), x.leakedBits(), x.roundTrips(), x.failure());
    });
  }

  /** Thread the Alice and Bob actors last ran on (proof of the pinned dispatcher). */
  List<String> threads() {
    List<String> t = new ArrayList<>();
    t.add(alice.stats().snapshot().reconciliationThread());
    return t;
  }

  @Override
  public void close() {
    clients.close();
    server.close();
    aliceSystem.terminate();
    bobSystem.terminate();
    CompletableFuture.allOf(aliceSystem.getWhenTerminated().toCompletableFuture(),
        bobSystem.getWhenTerminated().toCompletableFuture()).orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null)
        .join();
    aliceStore.close();
    bobStore.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
