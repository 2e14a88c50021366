package org.qkdnet.qnode.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyLeakScanTest {
  private static final byte[] K1 = new byte[32];
  private static final byte[] K2 = new byte[32];

  static {
    for (int i = 0; i < 32; i++) {
      K1[i] = (byte) (i * 7 + 3);
      K2[i] = (byte) (255 - i * 5);
    }
  }

  private static final Map<String, String> ENC = Map.of(
      HexFormat.of().formatHex(K1), "id-1", Base64.getEncoder().encodeToString(K1), "id-1",
      HexFormat.of().formatHex(K2), "id-2", Base64.getEncoder().encodeToString(K2), "id-2");

  @Test
  void findsHexAnyCaseAndEmbedded_andBase64_andNothingElse() {
    assertThat(KeyLeakScan.leakedKeyIds("INFO nothing here, relay 0f1e2d ok", ENC)).isEmpty();
    assertThat(KeyLeakScan.leakedKeyIds("pad=ab" + HexFormat.of().withUpperCase().formatHex(K1) + "cd;", ENC))
        .containsExactly("id-1");
    assertThat(KeyLeakScan.leakedKeyIds("key \"" + Base64.getEncoder().encodeToString(K2) + "\"", ENC))
        .containsExactly("id-2");
    String both = "a " + Base64.getEncoder().encodeToString(K1) + " b " + HexFormat.of().formatHex(K2);
    assertThat(KeyLeakScan.leakedKeyIds(both, ENC)).containsExactlyInAnyOrder("id-1", "id-2");
  }
}
