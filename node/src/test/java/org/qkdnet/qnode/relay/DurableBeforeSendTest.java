package org.qkdnet.qnode.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.crypto.TestKek;
import org.qkdnet.qnode.device.QkdDevice;
import org.qkdnet.qnode.device.sim.FinishedKeySimulator;
import org.qkdnet.qnode.keystore.CrashJournal;
import org.qkdnet.qnode.keystore.PadRangeRejectedException;
import org.qkdnet.qnode.keystore.PadReservation;
import org.qkdnet.qnode.keystore.SplitFrames;
import org.qkdnet.qnode.keystore.StationKeyStore;

/**
 * RELIABILITY.md's rule "durable before it leaves", checked so that it fails when a sync is
 * missing: every store records its writes in a {@link CrashJournal}, and at the moment each hop
 * leaves its sender (and each answer leaves the destination) the test builds the store a power cut
 * then would leave (unsynced writes lost, which {@code kill -9} does not show) and opens it. The
 * sender's copy must never hand out the hop's pad again, the receiver's must refuse the hop's
 * range as a replay, and the destination's must hold the key it confirmed.
 */
class DurableBeforeSendTest {
  private static final int FRAME = 4096;
  private static final int KEY = 32;

  @TempDir Path dir;

  private final Map<String, StationKeyStore> stores = new HashMap<>();
  private final Map<String, CrashJournal> journals = new HashMap<>();
  private final Map<String, RelayEngine> engines = new HashMap<>();
  private final AtomicInteger copies = new AtomicInteger();
  private final List<String> checked = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    for (String s : List.of("A", "B", "C")) {
      stores.put(s, StationKeyStore.open(dir.resolve(s), s, TestKek.kek()));
    }
    fill("A", "B");
    fill("B", "C");
    for (String s : List.of("A", "B", "C")) {
      journals.put(s, CrashJournal.start(stores.get(s), dir.resolve("checkpoint-" + s)));
      engines.put(s, new RelayEngine(s, stores.get(s), transport(s), TestRoutes.line(s, List.of("A", "B", "C")),
          PadSupply.NONE, new RelaySettingsView(5000, 20000, 8, 128, 512), InstantSource.system()));
    }
  }

  @AfterEach
  void tearDown() {
    stores.values().forEach(StationKeyStore::close);
  }

  private void fill(String a, String b) {
    QkdDevice device = FinishedKeySimulator.atRate(QkdDevice.LinkEnds.of(a, b, 30), "durable-seed", 1e6);
    for (long f = 0; f < 4; f++) {
      try (KeyMaterial fa = device.frame(f, FRAME); KeyMaterial fb = device.frame(f, FRAME)) {
        SplitFrames.append(stores.get(a), b, f, fa);
        SplitFrames.append(stores.get(b), a, f, fb);
      }
    }
  }

  /** The store {@code station} would come back with after a power cut now (opened; the caller closes it). */
  private StationKeyStore afterPowerCut(String station) throws Exception {
    Path target = dir.resolve("crash-" + station + "-" + copies.incrementAndGet());
    journals.get(station).restoreAsAfterCrash(target);
    return StationKeyStore.open(target, station, TestKek.kek());
  }

  private HopTransport transport(String self) {
    return (m, timeout) -> {
      try {
        // the hop is about to leave: the sender's pad for it must already be durably taken
        try (StationKeyStore copy = afterPowerCut(self)) {
          PadReservation next = copy.reserve(m.receiver(), m.payloadBytes() + 32, UUID.randomUUID().toString());
          assertThat(next.offset()).as("%s would hand out the pad of hop %d again after a power cut", self, m.hop())
              .isGreaterThanOrEqualTo(m.macPad().end());
        }
        if (m.hop() > 1) {
          // a transit station: the incoming range it accepted is durable too (no replay after a crash)
          try (StationKeyStore copy = afterPowerCut(self)) {
            String previous = m.path().get(m.hop() - 2);
            assertThatThrownBy(() -> copy.acceptIncoming(previous, offsetOfIncoming(self), m.payloadBytes() + 32,
                UUID.randomUUID().toString()).close())
                .as("%s would accept its incoming hop again after a power cut", self)
                .isInstanceOf(PadRangeRejectedException.class);
          }
        }
        checked.add(self + ">" + m.receiver());
        lastIncoming.put(m.receiver(), m.keyPad().offset());
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
      return engines.get(m.receiver()).onHop(self, m).thenApply(o -> {
        if (o.delivered() && m.receiver().equals(m.destination()) && !m.probe()) {
          // the destination answered DELIVERED: the key must survive a power cut there
          try (StationKeyStore copy = afterPowerCut(m.receiver())) {
            assertThat(copy.deliverableCount(m.slaveSae())).as("keys confirmed by %s", m.receiver())
                .isGreaterThanOrEqualTo(m.keyIds().size());
            checked.add(m.receiver() + " stored");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
        return o;
      });
    };
  }

  /** The offset of the last hop sent to each station (the test relays one key at a time). */
  private final Map<String, Long> lastIncoming = new java.util.concurrent.ConcurrentHashMap<>();

  private long offsetOfIncoming(String station) {
    return lastIncoming.getOrDefault(station, 0L);
  }

  @Test
  void everyHop_leavesOnlyAfterItsPadIsDurable_andTheKeyIsDurableBeforeDelivered() throws Exception {
    for (int i = 0; i < 3; i++) {
      RelayEngine.Delivery d = engines.get("A")
          .originate("C", "A-APP", "C-APP", List.of(UUID.randomUUID().toString()), KEY).toCompletableFuture().join();
      assertThat(d.keys()).hasSize(1);
      d.keys().forEach(KeyMaterial::zeroize);
    }
    assertThat(checked).containsExactly("A>B", "B>C", "C stored", "A>B", "B>C", "C stored", "A>B", "B>C",
        "C stored");
    assertThat(Files.list(dir).filter(p -> p.getFileName().toString().startsWith("crash-")).count())
        .isEqualTo(12);
  }
}
