package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.TestRings;
import org.qkdnet.qnode.demo.LocalNetwork;
import org.qkdnet.qnode.logging.StationMdc;
import org.qkdnet.qnode.sae.Etsi014Client;
import org.slf4j.LoggerFactory;

/** Issue 8 item 7: in one JVM, every station's log lines name that station (MDC key "station"). */
class StationLogContextTest {
  @TempDir Path dir;

  @Test
  void localRingInOneJvm_linesOfEachStationNameIt() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(ctx);
    captured.start();
    root.addAppender(captured);
    Config cfg = TestRings.finishedKeyLocal();
    try (LocalNetwork net = LocalNetwork.start(cfg, dir, id -> { })) {
      TestRings.awaitLive(net);
      net.awaitDisjointRoutes("ALP", "CHA", 2, Duration.ofSeconds(90));
      Etsi014Client master = new Etsi014Client(net.etsi014Url("ALP"), net.saeTls("ALP-APP1"), Duration.ofSeconds(10));
      assertThat(master.encKeys("CHA-APP1", 1, 256)).hasSize(1);
    } finally {
      root.detachAppender(captured);
    }
    List<ILoggingEvent> events = new ArrayList<>(captured.list);
    List<String> stations = List.of("ALP", "BRA", "CHA", "DEL");

    // every line of our code and of Pekko (cluster, remoting, HTTP) names a station; gRPC's own
    // lines may come from Netty event loops that all stations share
    List<String> unnamed = events.stream()
        .filter(e -> !e.getLoggerName().startsWith("io.grpc"))
        .filter(e -> station(e) == null)
        .map(e -> "[" + e.getThreadName() + "] " + e.getLoggerName() + " " + e.getFormattedMessage())
        .toList();
    assertThat(unnamed).as("lines without a station").isEmpty();

    for (String id : stations) {
      assertThat(events).as("station %s up, logged as %s", id, id)
          .anyMatch(e -> e.getFormattedMessage().startsWith("station " + id + " up") && id.equals(station(e)));
      assertThat(events).as("link lines of %s", id)
          .anyMatch(e -> e.getLoggerName().startsWith("org.qkdnet.qnode.link.") && id.equals(station(e))
              && e.getFormattedMessage().contains(id));
      // a station's threads are named after it: the line names the station whose thread emitted it
      events.stream().filter(e -> e.getThreadName().startsWith(id + "-") || e.getThreadName().contains("-" + id))
          .forEach(e -> assertThat(station(e)).as("station of [%s] %s", e.getThreadName(), e.getFormattedMessage())
              .isEqualTo(id));
    }
    // the key went ALP -> BRA or DEL -> CHA: the hops were logged by the relay code of the
    // stations that received them, each naming itself
    List<ILoggingEvent> hops = events.stream()
        .filter(e -> e.getLoggerName().equals("org.qkdnet.qnode.relay.RelayEngine")
            && e.getFormattedMessage().contains(": hop "))
        .toList();
    assertThat(hops).extracting(StationLogContextTest::station).contains("CHA").doesNotContain("ALP")
        .containsAnyOf("BRA", "DEL");
    for (ILoggingEvent hop : hops) {
      String msg = hop.getFormattedMessage();
      String path = msg.substring(msg.indexOf('[') + 1, msg.indexOf(']'));
      int index = Integer.parseInt(msg.replaceAll(".*: hop (\\d+) of .*", "$1"));
      assertThat(station(hop)).as(msg).isEqualTo(List.of(path.split(", ")).get(index));
    }
  }

  private static String station(ILoggingEvent e) {
    return e.getMDCPropertyMap().get(StationMdc.KEY);
  }
}
