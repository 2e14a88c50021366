package org.qkdnet.qnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.Main;
import picocli.CommandLine;

/**
 * The demo as the README runs it, on the small {@code local} ring (default bb84-sim links): every
 * key matched, and the summary JSON names what an operator and an application need: each station's
 * ETSI 014 URL, admin target, metrics and dashboard URLs, the operators' and SAEs' certificate files.
 */
class DemoSummaryTest {
  @TempDir Path dir;

  @Test
  void localDemo_allKeysMatch_summaryNamesEveryEndpointAndCredential() throws Exception {
    Path summary = dir.resolve("summary.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute("demo", "--topology", "local", "--keys", "3", "--summary-json", summary.toString(),
        "--work-dir", dir.resolve("work").toString());
    assertThat(exit).as(err.toString()).isZero();

    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertThat(s.get("keys_matched").asInt()).isEqualTo(3);
    assertThat(s.get("stations")).hasSize(4);
    for (JsonNode st : s.get("stations")) {
      assertThat(st.get("etsi014_url").asText()).startsWith("https://127.0.0.1:");
      assertThat(st.get("admin_target").asText()).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(st.get("metrics_url").asText()).startsWith("http://127.0.0.1:").endsWith("/metrics");
      assertThat(st.get("dashboard_url").asText()).matches("https://127\\.0\\.0\\.1:\\d+/");
    }
    // the top-level dashboard is the master station's (it animates the demo's relays)
    assertThat(s.get("stations").findValuesAsText("dashboard_url")).contains(s.get("dashboard_url").asText());
    assertThat(s.get("operators")).hasSize(1);
    JsonNode op = s.get("operators").get(0);
    assertThat(op.get("name").asText()).isEqualTo("admin");
    assertThat(Path.of(op.get("cert").asText())).isRegularFile();
    assertThat(Path.of(op.get("key").asText())).isRegularFile();
    for (JsonNode sae : s.get("saes")) {
      assertThat(Files.isRegularFile(Path.of(sae.get("cert").asText()))).isTrue();
    }
  }
}
