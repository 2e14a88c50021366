package org.qkdnet.qnode.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandsTest {
  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Callable<Integer> cmd, String... args) {
    CommandLine cl = new CommandLine(cmd);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void cascade_smallRun_printsAndWritesAllFields() throws Exception {
    Path json = tmp.resolve("c.json");
    int rc = run(new BenchCascadeCommand(), "--bits", "20000", "--qber", "0.02", "--frames", "3",
        "--warmup", "0", "--variant", "option7", "--over", "in-process", "--json", json.toString());
    assertThat(rc).isZero();
    String written = Files.readString(json);
    assertThat(written).contains("\"bits\": 20000", "\"qber\": 0.02", "\"frames\": 3",
        "\"variant\": \"option7\"", "\"frame_error_rate\": 0.00000", "\"efficiency_mean\": 1.",
        "\"mbit_per_s\"", "\"round_trips_mean\"");
    assertThat(out.toString().trim()).isEqualTo(written.trim());
  }

  @Test
  void cascadeOverGrpc_smallRun_reconcilesEveryFrameOverLinkService() throws Exception {
    Path json = tmp.resolve("g.json");
    // the default transport: two stations' reconciliation actors over LinkService
    int rc = run(new BenchCascadeCommand(), "--bits", "20000", "--qber", "0.02", "--frames", "4",
        "--warmup", "1", "--json", json.toString());
    assertThat(rc).as(err.toString()).isZero();
    String written = Files.readString(json);
    assertThat(written).contains("\"bits\": 20000", "\"frames\": 4", "\"frame_error_rate\": 0.00000",
        "\"efficiency_mean\": 1.", "\"over\": \"grpc\"", "\"mbit_per_s\"", "\"round_trips_mean\"",
        "\"cpu_seconds\"", "\"mbit_per_cpu_s\"");
  }

  @Test
  void cascade_badTransport_exitCode2() {
    assertThat(run(new BenchCascadeCommand(), "--bits", "20000", "--qber", "0.02", "--over", "udp")).isEqualTo(2);
    assertThat(err.toString()).contains("--over");
  }

  @Test
  void cascade_unknownVariant_exitCode2WithReason() {
    int rc = run(new BenchCascadeCommand(), "--bits", "20000", "--qber", "0.02", "--variant",
        "ldpc");
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("unknown Cascade variant 'ldpc'");
  }

  @Test
  void relay_twoPathsOnLocalRing_jsonNamesTwoNodeDisjointRoutesAndNoFailures() throws Exception {
    Path json = tmp.resolve("r.json");
    int rc = run(new BenchRelayCommand(), "--topology", "local", "--from", "ALP", "--to", "CHA", "--paths", "2",
        "--relays", "20", "--warmup", "5", "--warmup-seconds", "1", "--json", json.toString());
    assertThat(rc).as(err.toString()).isZero();
    JsonNode o = new ObjectMapper().readTree(json.toFile());
    // the warm-up ran its 5 relays and then on until its second had passed
    assertThat(o.get("warmup_seconds").asInt()).isEqualTo(1);
    assertThat(o.get("warmup_ran_seconds").asDouble()).isGreaterThanOrEqualTo(1.0);
    assertThat(o.get("failed").asInt()).isZero();
    assertThat(o.get("paths").asInt()).isEqualTo(2);
    List<List<String>> routes = new ArrayList<>();
    o.get("routes").forEach(r -> {
      List<String> stations = new ArrayList<>();
      r.forEach(x -> stations.add(x.asText()));
      routes.add(stations);
    });
    // the ring has exactly two ways round: every relay took both
    assertThat(routes).hasSize(2);
    Set<String> common = new HashSet<>(routes.get(0));
    common.retainAll(routes.get(1));
    assertThat(common).containsExactlyInAnyOrder("ALP", "CHA");
    assertThat(o.get("per_path")).hasSize(2);
    for (JsonNode p : o.get("per_path")) {
      assertThat(p.get("shares").asLong()).isEqualTo(20);
      assertThat(p.get("latency_ms_p50").asDouble()).isPositive();
      assertThat(p.get("latency_ms_p99").asDouble()).isGreaterThanOrEqualTo(p.get("latency_ms_p50").asDouble());
    }
    assertThat(o.get("latency_ms_p50").asDouble()).isPositive();
    assertThat(o.get("keys_per_s").asDouble()).isPositive();
    // the bare gRPC call between the same stations, beside the relay's per-hop time
    assertThat(o.get("grpc_baseline_p50_us").asDouble()).isPositive();
    assertThat(o.get("grpc_baseline_p99_us").asDouble()).isGreaterThanOrEqualTo(o.get("grpc_baseline_p50_us").asDouble());
    assertThat(o.get("per_hop_p50_us").asDouble()).isEqualTo(o.get("per_hop_ms_p50").asDouble() * 1000, within(0.01));
    assertThat(o.get("per_hop_over_baseline").asDouble())
        .isEqualTo(o.get("per_hop_p50_us").asDouble() / o.get("grpc_baseline_p50_us").asDouble(), within(0.01));
    // where the time goes: each share is written durably by its origin and by every station it reaches
    // (2 shares x 3 stations per relay, at least), and the floor is the bare call plus those waits
    assertThat(o.get("store_synced_writes").asLong()).isGreaterThanOrEqualTo(20 * 3);
    assertThat(o.get("store_sync_wait_p50_us").asDouble()).isPositive();
    int hops = o.get("hops").asInt();
    assertThat(o.get("floor_per_hop_us").asDouble()).isEqualTo(o.get("grpc_baseline_p50_us").asDouble()
        + o.get("store_sync_wait_p50_us").asDouble() * (hops + 1) / hops, within(0.5));
  }

  @Test
  void pa_smallRun_writesBitsAndSpeed() throws Exception {
    Path json = tmp.resolve("p.json");
    int rc = run(new BenchPaCommand(), "--bits", "10000", "--reps", "2", "--warmup", "0",
        "--json", json.toString());
    assertThat(rc).isZero();
    assertThat(Files.readString(json)).contains("\"bits\": 10000", "\"mbit_per_s\"");
  }

  @Test
  void pa_outputLongerThanInput_exitCode2() {
    assertThat(run(new BenchPaCommand(), "--bits", "1000", "--out-ratio", "1.5")).isEqualTo(2);
    assertThat(err.toString()).contains("--out-ratio");
  }

  @Test
  void pa_parallelFrames_reportsStationThroughput() throws Exception {
    Path json = tmp.resolve("pp.json");
    int rc = run(new BenchPaCommand(), "--bits", "10000", "--reps", "2", "--warmup", "0",
        "--parallel-frames", "2", "--json", json.toString());
    assertThat(rc).isZero();
    assertThat(Files.readString(json)).contains("\"parallel_frames\": 2", "\"mbit_per_s\"");
  }

  @Test
  void pa_parallelFramesZero_exitCode2() {
    assertThat(run(new BenchPaCommand(), "--bits", "1000", "--parallel-frames", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--parallel-frames");
  }
}
