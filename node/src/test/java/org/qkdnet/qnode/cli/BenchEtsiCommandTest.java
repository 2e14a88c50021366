package org.qkdnet.qnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qkdnet.qnode.Main;
import picocli.CommandLine;

class BenchEtsiCommandTest {
  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new BenchEtsiCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void smallRun_bothScenariosOverHttps_noMismatchAndFiguresInJson() throws Exception {
    Path json = tmp.resolve("e.json");
    int rc = run("--threads", "1,2", "--requests", "40", "--warmup", "5", "--warmup-seconds", "1",
        "--json", json.toString());
    assertThat(rc).as(err + "\n" + out).isZero();
    JsonNode o = new ObjectMapper().readTree(json.toFile());
    assertThat(o.get("cores").asInt()).isPositive();
    assertThat(o.get("http_version").asText()).startsWith("HTTP/");
    assertThat(o.get("same_station_setup").get("master").asText()).isEqualTo("ALP-APP1");
    assertThat(o.get("same_station_setup").get("slave").asText()).isEqualTo("ALP-APP2");
    assertThat(o.get("two_hop_pair_setup").get("master").asText()).isEqualTo("ALP-APP1");
    assertThat(o.get("two_hop_pair_setup").get("slave").asText()).isEqualTo("CHA-APP1");
    for (String scenario : List.of("same_station", "two_hop_pair")) {
      JsonNode phases = o.get(scenario);
      assertThat(phases).as(scenario).hasSize(2);
      List<Integer> threads = new ArrayList<>();
      for (JsonNode p : phases) {
        threads.add(p.get("threads").asInt());
        assertThat(p.get("requests").asLong()).as(scenario).isEqualTo(40);
        // the warm-up ran its count and then on until its second had passed
        assertThat(p.get("warmup_requests").asLong()).as(scenario).isGreaterThanOrEqualTo(5);
        assertThat(p.get("warmup_ran_seconds").asDouble()).as(scenario).isGreaterThanOrEqualTo(1.0);
        assertThat(p.get("errors").asLong()).as(scenario).isZero();
        assertThat(p.get("mismatches").asLong()).as(scenario).isZero();
        assertThat(p.get("seconds").asDouble()).as(scenario).isPositive();
        assertThat(p.get("per_second").asDouble()).as(scenario).isPositive();
        assertThat(p.get("p50_ms").asDouble()).as(scenario).isPositive();
        assertThat(p.get("p99_ms").asDouble()).as(scenario).isGreaterThanOrEqualTo(p.get("p50_ms").asDouble());
        assertThat(p.get("http_version").asText()).isEqualTo(o.get("http_version").asText());
        // the stores' synced writes behind the figures: an enc_keys at one station stores its key
        // for the slave (one); a pair reserves pad at ALP, relays it at BRA and stores the key at
        // CHA (three; the fetch's delete follows a second after its answer, maybe after the phase)
        assertThat(p.get("synced_writes_per_request").asDouble()).as(scenario)
            .isGreaterThanOrEqualTo(scenario.equals("same_station") ? 1.0 : 3.0);
        assertThat(p.get("store_sync_wait_p50_us").asDouble()).as(scenario).isPositive();
      }
      assertThat(threads).containsExactly(1, 2);
    }
    assertThat(out.toString()).contains("bench etsi summary", "same_station", "two_hop_pair", "cores");
  }

  @ParameterizedTest
  @CsvSource({
      "--threads, 0",
      "--threads, '1,-4'",
      "--requests, 0",
      "--requests, -1",
      "--topology, nowhere-such",
      "--key-size, 100",
      "--key-size, 0",
      "--warmup-seconds, -1",
      "--warmup-seconds, 3601",
  })
  void badInput_exit2NamingTheOption_nothingStarts(String option, String value) {
    int rc = run(option, value);
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains(option);
    assertThat(out.toString()).doesNotContain("station", "measuring");
  }

  @Test
  void registeredUnderBench_badInputThroughMain() {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("bench", "etsi", "--threads", "1,0")).isEqualTo(2);
    assertThat(err.toString()).contains("--threads");
  }
}
