package org.qkdnet.qnode.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A bench result as JSON, written by Jackson (strings escaped by it). JSON has no NaN or
 * Infinity: a figure that is not a finite number (a rate over no measured frames, a ratio to
 * zero) is written as {@code null}, "not measured", rather than as a token parsers reject or a
 * string that would pass for a value.
 */
final class BenchJson {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private final ObjectNode node = MAPPER.createObjectNode();

  BenchJson put(String key, long value) {
    node.put(key, value);
    return this;
  }

  BenchJson put(String key, String value) {
    node.put(key, value);
    return this;
  }

  /** {@code value} as measured; null when it is not finite. */
  BenchJson put(String key, double value) {
    number(node, key, value);
    return this;
  }

  /** {@code value} rounded to {@code decimals} places (half even); null when it is not finite. */
  BenchJson put(String key, double value, int decimals) {
    if (Double.isFinite(value)) {
      node.put(key, BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN));
    } else {
      node.putNull(key);
    }
    return this;
  }

  /** Puts {@code value} into {@code o}, or null when it is not finite (see the class comment). */
  static ObjectNode number(ObjectNode o, String key, double value) {
    return Double.isFinite(value) ? o.put(key, value) : o.putNull(key);
  }

  ObjectNode node() {
    return node;
  }

  /** One line, {@code {"key": value, ...}}, as the bench commands have always printed it. */
  String line() {
    try {
      return MAPPER.writer(new OneLine()).writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A space after each colon and comma, on one line. */
  private static final class OneLine extends MinimalPrettyPrinter {
    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }
  }
}
