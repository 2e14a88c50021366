package org.qkdnet.qnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.qkdnet.qnode.routing.LinkStatus;
import org.qkdnet.qnode.routing.StationReport;

/**
 * Three stations, each its own ActorSystem in this JVM, form a real Pekko cluster over TCP on
 * 127.0.0.1 with the product's Pekko settings (plain TCP instead of TLS). The fixture is expensive,
 * so the tests share it and run in order: A and B join first and stay Joining (min-nr-of-members =
 * 3) until C joins; later tests need all three Up and start C themselves if run alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinkStateClusterTest {
  private static final Duration REPUBLISH = Duration.ofSeconds(5);
  private static final Duration FORMING = Duration.ofSeconds(20);
  private static final Duration SPREADING = Duration.ofSeconds(10);

  /** One station of the test cluster. */
  private record Node(String id, ActorSystem<Void> system, LiveStations live, ClusterLinkStates links,
      ActorRef<LinkStateReplicator.Command> replicator) {
    long uid() {
      return Cluster.get(system).selfMember().uniqueAddress().longUid();
    }

    void publish(StationReport report) {
      replicator.tell(new LinkStateReplicator.Publish(report));
    }

    void join(Address seed) {
      Cluster.get(system).manager().tell(Join.create(seed));
    }
  }

  private static final List<ActorSystem<Void>> SYSTEMS = new ArrayList<>();
  private static Node a;
  private static Node b;
  private static Node c;
  private static Address seed;

  @BeforeAll
  static void startFirstTwo() {
    a = start("A", REPUBLISH, System::currentTimeMillis);
    seed = Cluster.get(a.system()).selfMember().address();
    a.join(seed);
    b = start("B", REPUBLISH, System::currentTimeMillis);
    b.join(seed);
  }

  @AfterAll
  static void stopAll() throws Exception {
    SYSTEMS.forEach(ActorSystem::terminate);
    for (ActorSystem<Void> s : SYSTEMS) {
      s.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  private static Node start(String id, Duration republish, LongSupplier wallClock) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "qnode",
        ClusterTestConfig.station(id, "pekko.cluster.min-nr-of-members = 3"));
    SYSTEMS.add(system);
    LiveStations live = new LiveStations();
    ClusterLinkStates links = new ClusterLinkStates();
    system.systemActorOf(ClusterMembership.create(live), "cluster-membership", Props.empty());
    ActorRef<LinkStateReplicator.Command> replicator = system.systemActorOf(
        LinkStateReplicator.create(links, republish, List.of("A", "B", "C"), wallClock), "link-state", Props.empty());
    return new Node(id, system, live, links, replicator);
  }

  private static synchronized void ensureAllUp() {
    if (c == null) {
      c = start("C", REPUBLISH, System::currentTimeMillis);
      c.join(seed);
    }
    for (Node n : List.of(a, b, c)) {
      await().atMost(FORMING).untilAsserted(() ->
          assertThat(n.live().routable()).containsExactlyInAnyOrder("A", "B", "C"));
    }
  }

  private static MemberStatus statusAt(Node observer, String station) {
    for (Member m : Cluster.get(observer.system()).state().getMembers()) {
      if (ClusterMembership.stationOf(m).orElse("").equals(station)) {
        return m.status();
      }
    }
    return MemberStatus.removed();
  }

  @Test
  @Order(1)
  void routable_whileMembersOnlyJoining_isEmptyThoughLiveHasThem() {
    Assumptions.assumeTrue(c == null, "needs the cluster before C joined");

    for (Node n : List.of(a, b)) {
      await().atMost(FORMING).untilAsserted(() -> {
        assertThat(n.live().snapshot()).containsExactlyInAnyOrder("A", "B");
        assertThat(n.live().incarnations()).isEqualTo(Map.of("A", a.uid(), "B", b.uid()));
      });
      assertThat(statusAt(n, "A")).isEqualTo(MemberStatus.joining());
      assertThat(statusAt(n, "B")).isEqualTo(MemberStatus.joining());
      assertThat(n.live().routable()).isEmpty();
      assertThat(n.live().isRoutable("A")).isFalse();
      assertThat(n.live().isLive("A")).isTrue();
    }
  }

  @Test
  @Order(2)
  void routable_onceAllMembersUp_containsEachStationWhoseMemberIsUp() {
    ensureAllUp();

    for (Node n : List.of(a, b, c)) {
      LiveStations.View view = n.live().view();
      assertThat(view.routable()).containsExactlyInAnyOrder("A", "B", "C");
      for (String s : view.routable()) {
        assertThat(statusAt(n, s)).isEqualTo(MemberStatus.up());
      }
      assertThat(view.live()).containsAll(view.routable());
      assertThat(view.incarnations()).isEqualTo(Map.of("A", a.uid(), "B", b.uid(), "C", c.uid()));
      assertThat(n.live().incarnation("C")).isEqualTo(OptionalLong.of(c.uid()));
      assertThat(n.live().incarnation("Z")).isEmpty();
      assertThat(n.live().selfIncarnation()).isEqualTo(OptionalLong.of(n.uid()));
    }
  }

  @Test
  @Order(3)
  void publish_newerReport_replacesOlderAtEveryStation() {
    ensureAllUp();
    StationReport first = ClusterTestConfig.report("A", a.uid(), 1);
    StationReport second = new StationReport("A", a.uid(), 2, true, false,
        List.of(ClusterTestConfig.link("A", "P1", LinkStatus.QUARANTINED, 0.11)));

    a.publish(first);
    await().atMost(Duration.ofSeconds(2)).until(() -> a.links().own().orElse(null), first::equals);
    assertThat(a.links().snapshot()).containsEntry("A", first);
    for (Node n : List.of(b, c)) {
      await().atMost(SPREADING).untilAsserted(() -> assertThat(n.links().snapshot()).containsEntry("A", first));
    }

    a.publish(second);
    for (Node n : List.of(a, b, c)) {
      await().atMost(SPREADING).untilAsserted(() -> assertThat(n.links().snapshot()).containsEntry("A", second));
    }
    assertThat(b.links().own()).isEmpty();
  }

  @Test
  @Order(4)
  void publish_reportOfAnotherStation_isNotWritten() {
    ensureAllUp();
    StationReport forged = ClusterTestConfig.report("C", 1, 999);
    StationReport own = ClusterTestConfig.report("B", b.uid(), 1);

    b.publish(forged);
    b.publish(own);

    // B handles its messages in order: once its own report arrived, the forged one was refused.
    await().atMost(SPREADING).untilAsserted(() -> assertThat(c.links().snapshot()).containsEntry("B", own));
    assertThat(c.links().snapshot().get("C")).isNotEqualTo(forged);
    assertThat(b.links().own()).contains(own);
  }

  /**
   * C publishes and leaves; its report stays in the map with the old incarnation (readers filter
   * it). C comes back as a new incarnation whose wall clock is an hour behind and publishes before
   * it even joins, with a lower version: it must still replace the old report everywhere, through
   * the heal on the subscription (republishing is set far beyond the wait).
   */
  @Test
  @Order(5)
  void restart_withClockBehind_newIncarnationReportWinsAndOldOneStaysVisibleUntilThen() throws Exception {
    ensureAllUp();
    long oldUid = c.uid();
    StationReport old = ClusterTestConfig.report("C", oldUid, 50);
    c.publish(old);
    for (Node n : List.of(a, b)) {
      await().atMost(SPREADING).untilAsserted(() -> assertThat(n.links().snapshot()).containsEntry("C", old));
    }

    c.system().terminate();
    c.system().getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    await().atMost(FORMING).untilAsserted(() -> {
      assertThat(a.live().incarnation("C")).isEmpty();
      assertThat(a.live().routable()).containsExactlyInAnyOrder("A", "B");
    });
    assertThat(a.links().snapshot().get("C")).isEqualTo(old);

    Node again = start("C", Duration.ofMinutes(5), () -> System.currentTimeMillis() - 3_600_000);
    c = again;
    StationReport fresh = new StationReport("C", again.uid(), 1, true, false,
        List.of(ClusterTestConfig.link("C", "P9", LinkStatus.UP, 0.02)));
    again.publish(fresh);
    await().atMost(Duration.ofSeconds(2)).until(() -> again.links().own().isPresent());
    again.join(seed);

    for (Node n : List.of(a, b, again)) {
      await().atMost(FORMING).untilAsserted(() -> {
        assertThat(n.live().incarnation("C")).isEqualTo(OptionalLong.of(again.uid()));
        assertThat(n.live().routable()).containsExactlyInAnyOrder("A", "B", "C");
      });
    }
    assertThat(again.uid()).isNotEqualTo(oldUid);
    for (Node n : List.of(a, b)) {
      await().atMost(SPREADING).untilAsserted(() -> assertThat(n.links().snapshot()).containsEntry("C", fresh));
    }
    await().atMost(SPREADING).untilAsserted(() -> assertThat(again.links().replicated()).containsEntry("C", fresh));
    assertThat(Set.copyOf(a.links().snapshot().keySet())).contains("A", "B", "C");
  }
}
