package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  private static ChaosSuite.Outcome outcome() {
    ScenarioResult r = new ScenarioResult("kill-relay", List.of("kill:relay-in-use A-APP>B-APP=C"), 42.5, 900, 12,
        List.of(new Violation("I2", "k1", List.of("A", "B"), "the slave's key differs from the master's")),
        List.of(new ScenarioResult.Window("kill:relay-in-use A-APP>B-APP=C", 5_000, 9_000)),
        List.of(new int[] {10, 0}, new int[] {0, 4}, new int[] {12, 1}), 1, Map.of("A-APP>B-APP", 800L),
        List.of("a note"));
    return new ChaosSuite.Outcome("ci", 7, List.of(r), 60, List.of(new ChaosSuite.Skipped("link-cut",
        "link-cut:A-B", true, "network namespaces need root (running as ci)")));
  }

  @Test
  void writeJson_hasTheIssuesShape_andNamesTheViolation() throws Exception {
    Path f = dir.resolve("r.json");

    Report.writeJson(outcome(), f);

    JsonNode root = new ObjectMapper().readTree(f.toFile());
    assertThat(root.get("seed").asLong()).isEqualTo(7);
    assertThat(root.get("profile").asText()).isEqualTo("ci");
    JsonNode s = root.get("scenarios").get(0);
    assertThat(s.get("name").asText()).isEqualTo("kill-relay");
    assertThat(s.get("faults").get(0).asText()).isEqualTo("kill:relay-in-use A-APP>B-APP=C");
    assertThat(s.get("duration_s").asDouble()).isEqualTo(42.5);
    assertThat(s.get("relays_ok").asInt()).isEqualTo(900);
    assertThat(s.get("relays_failed").asInt()).isEqualTo(12);
    JsonNode v = s.get("violations").get(0);
    assertThat(v.get("invariant").asText()).isEqualTo("I2");
    assertThat(v.get("subject").asText()).isEqualTo("k1");
    assertThat(v.get("stations").toString()).isEqualTo("[\"A\",\"B\"]");
    JsonNode k = root.get("skipped").get(0);
    assertThat(k.get("scenario").asText()).isEqualTo("link-cut");
    assertThat(k.get("whole_scenario").asBoolean()).isTrue();
    assertThat(k.get("reason").asText()).contains("need root");
  }

  @Test
  void writeHtml_selfContainedWithOneTimelinePerScenario() throws Exception {
    Path f = dir.resolve("r.html");

    Report.writeHtml(outcome(), f);

    String html = Files.readString(f);
    assertThat(html).contains("<svg", "kill:relay-in-use A-APP&gt;B-APP=C", "1 violations",
        "SKIPPED scenario link-cut skipped: network namespaces need root")
        .doesNotContain("src=\"http", "href=\"http", "<script");
    assertThat(html.split("<svg", -1)).hasSize(2);
    String svg = html.substring(html.indexOf("<svg"), html.indexOf("</svg>") + 6);
    javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
