package org.qkdnet.qnode.postprocessing.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.postprocessing.cascade.BitString;
import org.qkdnet.qnode.postprocessing.cascade.InProcessCascade;
import org.qkdnet.qnode.postprocessing.cascade.SplitMix64;

class FrameVerifierTest {
  @Test
  void matches_equalFrames_passes() {
    SplitMix64 rng = new SplitMix64(4);
    for (int n : new int[] {1, 63, 64, 65, 10_000, 100_003}) {
      BitString alice = InProcessCascade.randomFrame(n, rng);
      VerificationTag tag = FrameVerifier.tag(9, alice, rng.nextLong() | 1, 64);
      assertThat(FrameVerifier.matches(tag, 9, alice.copy())).isTrue();
      assertThat(FrameVerifier.leakBits(tag)).isEqualTo(64);
    }
  }

  @Test
  void matches_residualErrors_caught() {
    SplitMix64 rng = new SplitMix64(5);
    int n = 50_000;
    for (int trial = 0; trial < 200; trial++) {
      BitString alice = InProcessCascade.randomFrame(n, rng);
      long[] w = alice.copyWords();
      int errors = 1 + trial % 4; // one to four residual errors, as Cascade would leave
      for (int e = 0; e < errors; e++) {
        int i = rng.nextInt(n);
        w[i >>> 6] ^= 1L << i;
      }
      BitString bob = BitString.wrap(w, n);
      if (bob.contentEquals(alice)) {
        continue; // two errors on one bit cancelled
      }
      VerificationTag tag = FrameVerifier.tag(trial, alice, rng.nextLong() | 1, 32);
      assertThat(FrameVerifier.matches(tag, trial, bob)).as("trial %d", trial).isFalse();
    }
  }

  @Test
  void gf64_tableProduct_equalsBitByBitProduct() {
    SplitMix64 rng = new SplitMix64(6);
    for (int i = 0; i < 1000; i++) {
      long k = rng.nextLong() | 1;
      long a = rng.nextLong();
      assertThat(new Gf64PolynomialHash(k).timesForTest(a))
          .isEqualTo(Gf64PolynomialHash.multiplySlow(a, k));
    }
    // x · x^63 = x^64 = x^4 + x^3 + x + 1
    assertThat(Gf64PolynomialHash.multiplySlow(2, Long.MIN_VALUE)).isEqualTo(0x1BL);
  }

  @Test
  void tag_badParameters_refused() {
    BitString f = InProcessCascade.randomFrame(100, new SplitMix64(7));
    assertThatThrownBy(() -> FrameVerifier.tag(1, f, 0, 64))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonzero");
    assertThatThrownBy(() -> FrameVerifier.tag(1, f, 5, 65))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("second hash key");
    assertThatThrownBy(() -> FrameVerifier.tag(1, f, 5, 7, 129))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, 128]");
    VerificationTag t = FrameVerifier.tag(1, f, 5, 64);
    assertThatThrownBy(() -> FrameVerifier.matches(t, 2, f))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frame 1");
  }

  @Test
  void tag128_catchesDifferencesInEitherHalf_andLeaks128Bits() {
    SplitMix64 rng = new SplitMix64(11);
    for (int trial = 0; trial < 50; trial++) {
      BitString alice = InProcessCascade.randomFrame(5_000, rng);
      long k1 = rng.nextLong() | 1;
      long k2 = rng.nextLong() | 1;
      VerificationTag tag = FrameVerifier.tag(trial, alice, k1, k2, 128);
      assertThat(FrameVerifier.leakBits(tag)).isEqualTo(128);
      assertThat(FrameVerifier.matches(tag, trial, alice.copy())).isTrue();
      long[] w = alice.copyWords();
      w[trial % w.length] ^= 1L << (trial % 64);
      assertThat(FrameVerifier.matches(tag, trial, BitString.wrap(w, alice.length()))).isFalse();
      // a forged second half alone is caught
      VerificationTag forged = new VerificationTag(trial, k1, k2, 128, tag.tag(), tag.tag2() ^ 1);
      assertThat(FrameVerifier.matches(forged, trial, alice.copy())).isFalse();
    }
  }
}
