package org.qkdnet.qnode.relay;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The canonical byte encoding of a hop's header, the input of its one-time MAC together with the
 * ciphertext. Our own length-prefixed encoding rather than protobuf bytes, because protobuf
 * serialization is not guaranteed canonical: both ends must MAC exactly the same bytes.
 */
public final class HopCodec {
  private static final byte[] DOMAIN = "qnode-relay-hop-v2".getBytes(StandardCharsets.UTF_8);

  private HopCodec() {}

  /** Header fields (everything but ciphertext and tag) in a fixed order. */
  public static byte[] header(HopMessage m) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(buf)) {
      out.write(DOMAIN);
      str(out, m.relayId());
      strings(out, m.path());
      out.writeInt(m.hop());
      str(out, m.masterSae());
      str(out, m.slaveSae());
      strings(out, m.keyIds());
      out.writeInt(m.keySizeBytes());
      range(out, m.keyPad());
      range(out, m.macPad());
      out.writeLong(m.remainingMillis());
      str(out, m.groupId());
      out.writeInt(m.shareIndex());
      out.writeInt(m.shareCount());
      out.writeInt(m.ciphertext().length);
      if (m.probe()) {
        // appended only for probes, so a key relay's header is what it always was; a probe's header
        // is one byte longer and can never be read as a key relay's
        out.writeBoolean(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static void range(DataOutputStream out, PadRange r) throws IOException {
    str(out, r.from());
    str(out, r.to());
    out.writeLong(r.offset());
    out.writeInt(r.length());
  }

  private static void strings(DataOutputStream out, List<String> list) throws IOException {
    out.writeInt(list.size());
    for (String s : list) {
      str(out, s);
    }
  }

  private static void str(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }
}
