package org.qkdnet.qnode.kme.etsi014;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qkdnet.qnode.kme.IssuedKey;
import org.qkdnet.qnode.kme.KeyStatus;
import org.qkdnet.qnode.kme.KmeException;
import org.qkdnet.qnode.kme.KmeLimits;

/**
 * JSON of ETSI GS QKD 014 v1.1.1: parses request bodies strictly (bounded depth and sizes, no
 * duplicate or unknown fields) and writes responses. Parse errors are {@link KmeException}s with
 * status 400 whose text never echoes what the client sent.
 */
final class Etsi014Json {
  private static final Set<String> ENC_FIELDS =
      Set.of(
          "number",
          "size",
          "additional_slave_SAE_IDs",
          "extension_mandatory",
          "extension_optional");
  private static final Set<String> DEC_FIELDS = Set.of("key_IDs", "key_IDs_extension");
  private static final Set<String> DEC_ENTRY_FIELDS = Set.of("key_ID", "key_ID_extension");

  private final ObjectMapper mapper;

  Etsi014Json() {
    JsonFactory factory =
        JsonFactory.builder()
            // a valid request is at most 4 levels deep; deep nesting only costs us stack
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(16)
                    .maxStringLength(8 * 1024)
                    .maxNumberLength(32)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    this.mapper =
        new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  EncKeysRequest encKeysRequest(byte[] body, KmeLimits limits) {
    JsonNode root = readObject(body);
    requireKnownFields(root, ENC_FIELDS, "request body");
    int number = optionalInt(root, "number", 1);
    int size = optionalInt(root, "size", limits.defaultKeySize());
    List<String> additional = new ArrayList<>();
    JsonNode slaves = root.get("additional_slave_SAE_IDs");
    if (slaves != null && !slaves.isNull()) {
      if (!slaves.isArray()) {
        throw bad("additional_slave_SAE_IDs must be an array of strings");
      }
      for (JsonNode s : slaves) {
        if (!s.isTextual()) {
          throw bad("additional_slave_SAE_IDs must be an array of strings");
        }
        additional.add(s.textValue());
      }
    }
    List<String> mandatory = new ArrayList<>();
    JsonNode ext = root.get("extension_mandatory");
    if (ext != null && !ext.isNull()) {
      if (!ext.isArray()) {
        throw bad("extension_mandatory must be an array of objects");
      }
      for (JsonNode e : ext) {
        if (!e.isObject()) {
          throw bad("extension_mandatory must be an array of objects");
        }
        e.properties().forEach(field -> mandatory.add(field.getKey()));
      }
    }
    JsonNode optional = root.get("extension_optional");
    if (optional != null && !optional.isNull() && !optional.isArray()) {
      throw bad("extension_optional must be an array of objects");
    }
    // extension_optional may be ignored by the KME (ETSI GS QKD 014 §6.2)
    return new EncKeysRequest(number, size, additional, mandatory);
  }

  List<String> decKeysRequest(byte[] body) {
    JsonNode root = readObject(body);
    requireKnownFields(root, DEC_FIELDS, "request body");
    JsonNode ids = root.get("key_IDs");
    if (ids == null || !ids.isArray()) {
      throw bad("key_IDs must be an array of objects with a key_ID");
    }
    List<String> out = new ArrayList<>(ids.size());
    int i = 0;
    for (JsonNode entry : ids) {
      i++;
      if (!entry.isObject()) {
        throw bad("key_IDs entry " + i + " is not an object");
      }
      requireKnownFields(entry, DEC_ENTRY_FIELDS, "key_IDs entry " + i);
      JsonNode id = entry.get("key_ID");
      if (id == null || !id.isTextual()) {
        throw bad("key_IDs entry " + i + " has no key_ID string");
      }
      out.add(id.textValue());
    }
    return out;
  }

  byte[] status(KeyStatus s) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("source_KME_ID", s.sourceKmeId());
          g.writeStringField("target_KME_ID", s.targetKmeId());
          g.writeStringField("master_SAE_ID", s.masterSaeId());
          g.writeStringField("slave_SAE_ID", s.slaveSaeId());
          g.writeNumberField("key_size", s.keySize());
          g.writeNumberField("stored_key_count", s.storedKeyCount());
          g.writeNumberField("max_key_count", s.maxKeyCount());
          g.writeNumberField("max_key_per_request", s.maxKeyPerRequest());
          g.writeNumberField("max_key_size", s.maxKeySize());
          g.writeNumberField("min_key_size", s.minKeySize());
          g.writeNumberField("max_SAE_ID_count", s.maxSaeIdCount());
          g.writeEndObject();
        });
  }

  /** The key container; zeroizes every key once it is encoded (the response is its only copy). */
  byte[] keys(List<IssuedKey> keys) {
    try {
      return write(
          g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("keys");
            for (IssuedKey k : keys) {
              g.writeStartObject();
              g.writeStringField("key_ID", k.keyId());
              g.writeFieldName("key");
              byte[] raw = k.key().copyBytes();
              byte[] b64 = Base64.getEncoder().encode(raw);
              try {
                g.writeUTF8String(b64, 0, b64.length);
              } finally {
                Arrays.fill(raw, (byte) 0);
                Arrays.fill(b64, (byte) 0);
              }
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
          });
    } finally {
      keys.forEach(k -> k.key().zeroize());
    }
  }

  byte[] error(String message, List<String> reasons) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("message", message);
          g.writeArrayFieldStart("details");
          for (String r : reasons) {
            g.writeStartObject();
            g.writeStringField("reason", r);
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private JsonNode readObject(byte[] body) {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (IOException | RuntimeException e) {
      throw bad("malformed JSON in request body");
    }
    if (root == null || !root.isObject()) {
      throw bad("request body must be a JSON object");
    }
    return root;
  }

  private static void requireKnownFields(JsonNode node, Set<String> known, String where) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!known.contains(field.getKey())) {
        throw bad("unknown field in " + where);
      }
    }
  }

  private static int optionalInt(JsonNode root, String field, int fallback) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isIntegralNumber()) {
      throw bad(field + " must be an integer");
    }
    if (!n.canConvertToInt()) {
      throw bad(field + " is out of range");
    }
    return n.intValue();
  }

  private static KmeException bad(String message) {
    return new KmeException(400, message);
  }

  private interface Body {
    void writeTo(JsonGenerator g) throws IOException;
  }

  private byte[] write(Body body) {
    WipingBuffer out = new WipingBuffer();
    try (JsonGenerator g = mapper.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      body.writeTo(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      out.wipeAfterCopy();
    }
    return out.copy;
  }

  /** Leaves no stray copy of Base64 key text in the growable buffer. */
  private static final class WipingBuffer extends ByteArrayOutputStream {
    private byte[] copy = new byte[0];

    WipingBuffer() {
      super(256);
    }

    void wipeAfterCopy() {
      copy = toByteArray();
      Arrays.fill(buf, (byte) 0);
    }
  }
}
