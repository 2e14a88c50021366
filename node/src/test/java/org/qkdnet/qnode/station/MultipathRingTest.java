package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.config.ConfigLoader;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.relay.TransitTaps;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * An SAE pair with {@code paths = 2} in the topology's sae-pairs: every key is the XOR of two
 * shares relayed ALP -> BRA -> CHA and ALP -> DEL -> CHA; the application sees plain ETSI 014, and
 * neither relay station ever holds a delivered key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultipathRingTest {
  private LocalNetwork net;
  private final List<byte[]> atBra = Collections.synchronizedList(new ArrayList<>());
  private final List<byte[]> atDel = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Config cfg = ConfigFactory.parseString("qnode.device.kind = finished-key-sim, "
            + "qnode.topology.sae-pairs = [{ master = ALP-APP1, slave = CHA-APP1, paths = 2 }]")
        .withFallback(ConfigLoader.load("local"));
    net = LocalNetwork.start(cfg, dir, id -> { });
    List<List<String>> routes = net.awaitRoutes("ALP", "CHA", "ALP-APP1", "CHA-APP1", Duration.ofSeconds(90));
    assertThat(routes).hasSize(2);
    // the route-only answer the network watch compares each second is one of those routes
    var view = net.station("ALP").adminView();
    assertThat(view.route("ALP", "CHA")).hasValueSatisfying(r -> assertThat(routes).contains(r));
    assertThat(view.route("ALP", "ALP")).hasValue(List.of("ALP"));
    TransitTaps.tap("BRA", atBra::add);
    TransitTaps.tap("DEL", atDel::add);
  }

  @AfterEach
  @AfterAll
  void stop() {
    TransitTaps.clear();
    if (net != null) {
      net.close();
      net = null;
    }
  }

  @Test
  void encKeys_pairWithTwoPaths_slaveGetsIdenticalKeysAndNoRelayStationSawOne() throws Exception {
    Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
    Etsi014Client slave = new Etsi014Client(net.etsi014Url("CHA"), net.saeTls("CHA-APP1"), Duration.ofSeconds(10));

    List<Etsi014Client.Key> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.addAll(master.encKeys("CHA-APP1", 2, 256));
    }
    List<Etsi014Client.Key> got = slave.decKeys("ALP-APP1", sent.stream().map(Etsi014Client.Key::keyId).toList());

    assertThat(got).hasSize(10);
    for (int i = 0; i < sent.size(); i++) {
      assertThat(got.get(i).key().contentEquals(sent.get(i).key())).as("key " + i).isTrue();
    }
    assertThat(net.station("ALP").relayStats().lastRoutes())
        .containsExactlyInAnyOrder(List.of("ALP", "BRA", "CHA"), List.of("ALP", "DEL", "CHA"));
    // each relay station forwarded one share per request (2 keys each) and nothing else
    assertThat(atBra).hasSize(5);
    assertThat(atDel).hasSize(5);
    for (Etsi014Client.Key k : sent) {
      byte[] key = k.key().copyBytes();
      for (byte[] share : List.copyOf(atBra) ) {
        assertThat(contains(share, key)).as("BRA saw a delivered key").isFalse();
      }
      for (byte[] share : List.copyOf(atDel)) {
        assertThat(contains(share, key)).as("DEL saw a delivered key").isFalse();
      }
    }
    // other pairs keep the station default: one path
    Etsi014Client other = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP2"), Duration.ofSeconds(10));
    other.encKeys("CHA-APP1", 1, 256);
    assertThat(net.station("ALP").relayStats().lastRoutes()).hasSize(1);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
