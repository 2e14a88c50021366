package org.qkdnet.qnode.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The history of one scenario's ETSI 014 operations, Jepsen style: every request and its answer,
 * with times, key_ID and the SHA-256 of the key (never the key). Thread-safe; written as one JSON
 * line per operation.
 */
final class History {
  /** What an operation was. */
  enum Kind {
    /** The master's {@code enc_keys} (one key). */
    ENC,
    /** The slave's {@code dec_keys} of one key_ID the master got. */
    DEC,
    /** The slave asks again for a key it already fetched: must not get it (I2: at most once). */
    REFETCH
  }

  /** How an operation that got no HTTP answer is recorded. */
  static final int NO_ANSWER = -1;

  /**
   * One operation: {@code pair} is "MASTER>SLAVE"; times in ms from the scenario's start;
   * {@code status} 200 for success, the HTTP status, or {@link #NO_ANSWER}; {@code keyId} and
   * {@code sha256} (hex) of the key answered, if any.
   */
  record Op(Kind kind, String pair, long startMs, long endMs, int status, String keyId, String sha256,
      String message) {
    boolean ok() {
      return status == 200;
    }

    String master() {
      return pair.substring(0, pair.indexOf('>'));
    }

    String slave() {
      return pair.substring(pair.indexOf('>') + 1);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final long t0;
  private final List<Op> ops = new ArrayList<>();

  /** @param t0 the scenario's start ({@link System#nanoTime}) */
  History(long t0) {
    this.t0 = t0;
  }

  /** A {@link System#nanoTime} value on this history's clock (ms since the scenario's start). */
  long toMs(long nanoTime) {
    return (nanoTime - t0) / 1_000_000;
  }

  long msSinceStart() {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  long ms(long nanos) {
    return (nanos - t0) / 1_000_000;
  }

  synchronized void add(Op op) {
    ops.add(op);
  }

  synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  /** One JSON object per line. */
  void writeJsonLines(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Op o : ops()) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", o.kind().name().toLowerCase(java.util.Locale.ROOT)).put("pair", o.pair())
            .put("start_ms", o.startMs()).put("end_ms", o.endMs()).put("latency_ms", o.endMs() - o.startMs())
            .put("status", o.status());
        if (o.keyId() != null) {
          n.put("key_ID", o.keyId());
        }
        if (o.sha256() != null) {
          n.put("sha256", o.sha256());
        }
        if (o.message() != null && !o.message().isEmpty()) {
          n.put("message", o.message());
        }
        w.write(JSON.writeValueAsString(n));
        w.write('\n');
      }
    }
  }
}
