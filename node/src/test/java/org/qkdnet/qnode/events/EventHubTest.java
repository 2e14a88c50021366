package org.qkdnet.qnode.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EventHubTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T00:00:00Z"));
  private final InstantSource clock = now::get;

  @Test
  void recent_keepsTheLastEvents_inOrder_butNoRelays() {
    EventHub hub = new EventHub("ALP", 3, 10, clock);
    for (int i = 1; i <= 5; i++) {
      hub.publish(NetworkEvent.Kind.LINK, "ALP-BRA", "change " + i);
    }
    hub.publish(NetworkEvent.Kind.RELAY, "ALP->CHA", "delivered");
    assertThat(hub.recent()).extracting(NetworkEvent::detail).containsExactly("change 3", "change 4", "change 5");
    assertThat(hub.recent()).extracting(NetworkEvent::seq).containsExactly(3L, 4L, 5L);
    assertThat(hub.recent()).allSatisfy(e -> assertThat(e.station()).isEqualTo("ALP"));
  }

  @Test
  void subscribe_withReplay_getsRecentThenNew_noneTwice_inSequence() {
    EventHub hub = new EventHub("ALP", 10, 10, clock);
    hub.publish(NetworkEvent.Kind.MEMBER, "BRA", "UP -> UNREACHABLE");
    List<NetworkEvent> got = new ArrayList<>();
    try (EventHub.Subscription s = hub.subscribe(true, got::add)) {
      hub.publish(NetworkEvent.Kind.MEMBER, "BRA", "UNREACHABLE -> UP");
      hub.publish(NetworkEvent.Kind.RELAY, "ALP->CHA", "delivered via ALP,BRA,CHA in 3 ms");
    }
    hub.publish(NetworkEvent.Kind.LINK, "ALP-BRA", "after close");
    assertThat(got).extracting(NetworkEvent::seq).containsExactly(1L, 2L, 3L);
    assertThat(got.get(2).kind()).isEqualTo(NetworkEvent.Kind.RELAY);
    assertThat(hub.subscriberCount()).isZero();
  }

  @Test
  void subscribe_withoutReplay_getsOnlyNew() {
    EventHub hub = new EventHub("ALP", 10, 10, clock);
    hub.publish(NetworkEvent.Kind.MEMBER, "BRA", "old");
    List<NetworkEvent> got = new ArrayList<>();
    hub.subscribe(false, got::add);
    hub.publish(NetworkEvent.Kind.MEMBER, "BRA", "new");
    assertThat(got).extracting(NetworkEvent::detail).containsExactly("new");
  }

  @Test
  void relays_overTheRatePerSecond_areDroppedAndCounted_otherKindsNever() {
    EventHub hub = new EventHub("ALP", 100, 2, clock);
    List<NetworkEvent> got = new ArrayList<>();
    hub.subscribe(false, got::add);
    for (int i = 0; i < 5; i++) {
      hub.publish(NetworkEvent.Kind.RELAY, "ALP->CHA", "r" + i);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(hub.publish(NetworkEvent.Kind.ALARM, "ALP-BRA", "a" + i)).isNotNull();
    }
    assertThat(got).extracting(NetworkEvent::detail).containsExactly("r0", "r1", "a0", "a1", "a2", "a3", "a4");
    assertThat(hub.relaysDropped()).isEqualTo(3);
    now.set(now.get().plus(Duration.ofSeconds(1)));
    assertThat(hub.publish(NetworkEvent.Kind.RELAY, "ALP->CHA", "next second")).isNotNull();
  }

  @Test
  void aSubscriberThatThrows_isDropped_othersKeepGettingEvents() {
    EventHub hub = new EventHub("ALP", 10, 10, clock);
    List<NetworkEvent> good = new ArrayList<>();
    hub.subscribe(false, e -> {
      throw new IllegalStateException("gone");
    });
    hub.subscribe(false, good::add);
    hub.publish(NetworkEvent.Kind.LINK, "ALP-BRA", "one");
    hub.publish(NetworkEvent.Kind.LINK, "ALP-BRA", "two");
    assertThat(good).hasSize(2);
    assertThat(hub.subscriberCount()).isEqualTo(1);
  }

  @Test
  void badSizes_areRefused() {
    assertThatThrownBy(() -> new EventHub("ALP", 0, 1, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recent capacity");
  }
}
