package org.qkdnet.qnode.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sm3Test {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void digest_abc_matchesGbt32905Example1() {
    assertThat(HEX.formatHex(Sm3.digest("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  }

  @Test
  void digest_64ByteMessage_matchesGbt32905Example2() {
    byte[] m = "abcd".repeat(16).getBytes(StandardCharsets.US_ASCII);
    assertThat(HEX.formatHex(Sm3.digest(m)))
        .isEqualTo("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
  }

  @Test
  void digest_parts_equalsDigestOfConcatenation() {
    byte[] whole = Sm3.digest("abc".getBytes(StandardCharsets.US_ASCII));
    byte[] split = Sm3.digest(new byte[] {'a'}, new byte[0], new byte[] {'b', 'c'});
    assertThat(split).isEqualTo(whole);
  }
}
