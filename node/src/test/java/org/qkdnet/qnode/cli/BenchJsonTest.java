package org.qkdnet.qnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchJsonTest {
  /** A strict reader: no NaN/Infinity tokens, no trailing garbage. */
  private static final ObjectMapper STRICT = new ObjectMapper()
      .disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Test
  void line_nanInfinityAndQuotes_isValidJsonWithNullsAndTheStringIntact() throws Exception {
    String name = "say \"hi\"\\ \n\ttab";
    String line = new BenchJson().put("variant", name).put("efficiency_mean", Double.NaN, 5)
        .put("mbit_per_s", Double.POSITIVE_INFINITY).put("ratio", Double.NEGATIVE_INFINITY, 2)
        .put("frames", 0).put("qber", 0.02).put("frame_error_rate", 0.0, 5).line();

    JsonNode o = STRICT.readTree(line);
    assertThat(o.get("variant").asText()).isEqualTo(name);
    assertThat(o.get("efficiency_mean").isNull()).isTrue();
    assertThat(o.get("mbit_per_s").isNull()).isTrue();
    assertThat(o.get("ratio").isNull()).isTrue();
    assertThat(o.get("frames").asLong()).isZero();
    assertThat(o.get("qber").asDouble()).isEqualTo(0.02);
    assertThat(line).doesNotContain("NaN", "Infinity").doesNotContain("\n")
        .contains("\"frame_error_rate\": 0.00000", "\"qber\": 0.02");
  }

  @Test
  void put_roundsToTheGivenDecimals() throws Exception {
    String line = new BenchJson().put("a", 1.23456789, 3).put("b", 2.5e-7, 6).put("c", 1e12 / 3, 1).line();
    assertThat(line).isEqualTo("{\"a\": 1.235, \"b\": 0.000000, \"c\": 333333333333.3}");
    assertThat(STRICT.readTree(line).get("c").decimalValue()).isEqualByComparingTo("333333333333.3");
  }
}
