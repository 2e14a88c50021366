package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.TestRings;
import org.qkdnet.qnode.config.QnodeSettings;
import org.qkdnet.qnode.crypto.KeyEncryptionKey;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.keystore.DeliverableInfo;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * I2 across an orderly stop of the slave's station while its SAE fetches: every key is either in
 * the slave's hands or waiting for it in the store after the stop, never neither (an answer the
 * HTTP server took but had not sent when it stopped) and never both (fetched, then back after the
 * restart). Found by the chaos suite's clock-skew scenario, which restarts a station under load.
 */
class OrderlyStopFetchTest {
  private static final int KEYS = 240;
  private static final int FETCHERS = 3;

  @TempDir Path dir;

  @Test
  void slaveStationStopsWhileItsSaeFetches_everyKeyReceivedOrWaitingNeverBothNeverNeither() throws Exception {
    Config cfg = TestRings.finishedKeyLocal();
    Set<String> made = new TreeSet<>();
    Set<String> received = ConcurrentHashMap.newKeySet();
    try (LocalNetwork net = LocalNetwork.start(cfg, dir, id -> { })) {
      TestRings.awaitLive(net);
      net.awaitRoutes("ALP", "CHA", "ALP-APP1", "CHA-APP1", Duration.ofSeconds(90));
      Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
      // 503 while the link's pool refills: asked again until there are enough
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
        try {
          master.encKeys("CHA-APP1", 8, 256).forEach(k -> {
            made.add(k.keyId());
            k.key().zeroize();
          });
        } catch (Etsi014Client.Etsi014Error e) {
          // refused: nothing made
        }
        return made.size() >= KEYS;
      });
      assertThat(made).hasSizeGreaterThanOrEqualTo(KEYS);

      Etsi014Client slave = new Etsi014Client(net.etsi014Url("CHA"), net.saeTls("CHA-APP1"), Duration.ofSeconds(10));
      ConcurrentLinkedQueue<String> toFetch = new ConcurrentLinkedQueue<>(made);
      AtomicInteger failures = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(FETCHERS);
      List<Future<?>> fetchers = new ArrayList<>();
      for (int t = 0; t < FETCHERS; t++) {
        fetchers.add(pool.submit(() -> {
          String id;
          while ((id = toFetch.poll()) != null && failures.get() < 20) {
            try {
              slave.decKeys("ALP-APP1", List.of(id)).forEach(k -> {
                received.add(k.keyId());
                k.key().zeroize();
              });
            } catch (Exception e) {
              failures.incrementAndGet(); // the station is stopping or gone: the key must wait
            }
          }
          return null;
        }));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= KEYS / 4);
      net.stop("CHA"); // orderly, while the fetchers are busy
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      for (Future<?> f : fetchers) {
        f.get();
      }
      assertThat(received.size()).as("the stop came while keys were still being fetched").isLessThan(made.size());

      QnodeSettings settings = QnodeSettings.create(net.stationConfig("CHA"));
      Set<String> waiting = new TreeSet<>();
      try (KeyEncryptionKey kek = KeyEncryptionKey.load(settings.kekFileOf("CHA"));
          StationKeyStore store = StationKeyStore.open(settings.dataDir(), "CHA", kek)) {
        for (DeliverableInfo d : store.deliverables()) {
          waiting.add(d.keyId());
        }
      }
      Set<String> both = new TreeSet<>(received);
      both.retainAll(waiting);
      Set<String> neither = new TreeSet<>(made);
      neither.removeAll(received);
      neither.removeAll(waiting);
      assertThat(both).as("fetched keys waiting again after an orderly stop").isEmpty();
      assertThat(neither).as("keys neither received nor waiting: lost").isEmpty();
    }
  }
}
