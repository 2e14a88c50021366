package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.TestRings;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.relay.HopFaults;
import org.qkdnet.qnode.relay.HopMessage;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * The relay station a key is about to take stops answering at transport level (its LinkService
 * killed, its cluster member still up): the very next request is retried over the other way round
 * the ring inside the request, and the application sees one successful answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RingFailoverTest {
  private LocalNetwork net;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Config cfg = TestRings.finishedKeyLocal();
    net = LocalNetwork.start(cfg, dir, id -> { });
    net.awaitRoutes("ALP", "CHA", "ALP-APP1", "CHA-APP1", Duration.ofSeconds(90));
    // both ways round the ring must carry key before one is taken away, or there is nothing to fail
    // over to (a CI run on a loaded machine killed the relay while DEL's links had no key yet)
    net.awaitDisjointRoutes("ALP", "CHA", 2, Duration.ofSeconds(90));
  }

  @AfterAll
  void stop() {
    HopFaults.clear();
    if (net != null) {
      net.close();
    }
  }

  @Test
  void encKeys_relayInUseDies_retriedOverTheOtherRouteWithinTheRequest() throws Exception {
    Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(20));
    Etsi014Client slave = new Etsi014Client(net.etsi014Url("CHA"), net.saeTls("CHA-APP1"), Duration.ofSeconds(20));
    List<HopMessage> firstHops = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicReference<String> killed = new java.util.concurrent.atomic.AtomicReference<>();
    // the relay in use dies just as the first hop leaves for it (whichever of the two equally short
    // routes the origin chose: their preference follows the pools and may change at any moment)
    HopFaults.observe("ALP", m -> {
      firstHops.add(m);
      if (killed.compareAndSet(null, m.receiver())) {
        net.station(m.receiver()).killLinkService();
      }
    });
    List<Etsi014Client.Key> sent = master.encKeys("CHA-APP1", 1, 256);
    String dead = killed.get();

    assertThat(firstHops).extracting(HopMessage::receiver).as("tried " + dead + ", then the other way")
        .containsExactly(dead, dead.equals("BRA") ? "DEL" : "BRA");
    assertThat(firstHops.get(0).keyIds()).doesNotContainAnyElementsOf(firstHops.get(1).keyIds());
    List<Etsi014Client.Key> got = slave.decKeys("ALP-APP1", List.of(sent.get(0).keyId()));
    assertThat(got.get(0).key().contentEquals(sent.get(0).key())).isTrue();
    // the next requests avoid the dead station from the start
    firstHops.clear();
    for (int i = 0; i < 5; i++) {
      master.encKeys("CHA-APP1", 1, 256);
    }
    assertThat(firstHops).extracting(HopMessage::receiver).doesNotContain(dead);
  }
}
