package org.qkdnet.qnode.postprocessing.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CascadeTest {
  private static final long SEED = 0x1234_5678L;

  /** Runs one frame, counting the parity bits that cross the boundary from Alice's answers. */
  private static final class Counted {
    long bitsInAnswers;
    long bitsAsked;
    int rounds;
  }

  private static Counted run(CascadeAlice alice, CascadeBob bob, int paddedBits) {
    Counted c = new Counted();
    Optional<ParityQuestions> q = Optional.of(bob.start());
    while (q.isPresent()) {
      ParityQuestions onWire = CascadeCodec.decodeQuestions(CascadeCodec.encode(q.get()));
      int[] starts = onWire.passStarts();
      for (int i = 0; i < starts.length; i += 2) {
        c.bitsAsked += (paddedBits + starts[i + 1] - 1) / starts[i + 1];
      }
      c.bitsAsked += onWire.rangeCount();
      ParityAnswers a = CascadeCodec.decodeAnswers(CascadeCodec.encode(alice.answer(onWire)));
      c.bitsInAnswers += a.count();
      c.rounds++;
      q = bob.onAnswers(a);
    }
    return c;
  }

  @ParameterizedTest
  @CsvSource({
      "YANETAL, 0.01", "YANETAL, 0.02", "YANETAL, 0.05", "YANETAL, 0.08",
      "OPTION7, 0.01", "OPTION7, 0.02", "OPTION7, 0.05", "OPTION7, 0.08",
      "ORIGINAL, 0.01", "ORIGINAL, 0.02"})
  void reconcile_seededFrames_bobEndsWithAlicesKeyAndLeakIsWhatCrossed(CascadeVariant v,
      double qber) {
    int n = 50_000;
    SplitMix64 rng = new SplitMix64(Double.doubleToLongBits(qber) ^ v.ordinal());
    for (int frame = 0; frame < 16; frame++) {
      BitString alice = InProcessCascade.randomFrame(n, rng);
      BitString bob = InProcessCascade.withErrors(alice, qber, rng);
      int errors = alice.hammingDistance(bob);
      CascadeAlice a = new CascadeAlice(frame, alice, SEED);
      CascadeBob b = new CascadeBob(frame, bob, v, qber, SEED);

      Counted c = run(a, b, FrameLayout.paddedBits(n));

      assertThat(b.isDone()).isTrue();
      assertThat(b.correctedKey().contentEquals(alice)).as("frame %d", frame).isTrue();
      assertThat(b.correctedBits()).isEqualTo(errors);
      assertThat(b.leakedBits()).isEqualTo(c.bitsInAnswers).isEqualTo(c.bitsAsked)
          .isEqualTo(a.disclosedBits());
      assertThat(b.roundTrips()).isEqualTo(c.rounds);
      // parities disclosed must exceed the Shannon limit and stay within a sane factor of it
      assertThat(InProcessCascade.efficiency(b.leakedBits(), n, errors)).isBetween(1.0, 1.4);
    }
  }

  @Test
  void reconcile_originalAtHighQber_mostFramesCorrectAndLeakExact() {
    // four passes of the original schedule do leave rare residual errors at 5-8 %
    int n = 20_000;
    SplitMix64 rng = new SplitMix64(99);
    int good = 0;
    for (int frame = 0; frame < 20; frame++) {
      double qber = frame % 2 == 0 ? 0.05 : 0.08;
      BitString alice = InProcessCascade.randomFrame(n, rng);
      CascadeAlice a = new CascadeAlice(frame, alice, SEED);
      CascadeBob b = new CascadeBob(frame, InProcessCascade.withErrors(alice, qber, rng),
          CascadeVariant.ORIGINAL, qber, SEED);
      Counted c = run(a, b, FrameLayout.paddedBits(n));
      assertThat(b.leakedBits()).isEqualTo(c.bitsInAnswers).isEqualTo(a.disclosedBits());
      good += b.correctedKey().contentEquals(alice) ? 1 : 0;
    }
    assertThat(good).isGreaterThanOrEqualTo(16);
  }

  @Test
  void reconcile_noErrors_leaksOnlyTopLevelParities() {
    int n = 10_000;
    BitString alice = InProcessCascade.randomFrame(n, new SplitMix64(5));
    CascadeAlice a = new CascadeAlice(1, alice, SEED);
    CascadeBob b = new CascadeBob(1, alice.copy(), CascadeVariant.YANETAL, 0.02, SEED);
    Counted c = run(a, b, FrameLayout.paddedBits(n));
    assertThat(b.correctedKey().contentEquals(alice)).isTrue();
    assertThat(c.rounds).isEqualTo(14);
    long expected = 0;
    for (int pass = 0; pass < 14; pass++) {
      int k = b.paddedBlockSize(pass);
      expected += (FrameLayout.paddedBits(n) + k - 1) / k;
    }
    assertThat(b.leakedBits()).isEqualTo(expected);
  }

  @Test
  void blockSize_eachVariant_followsItsSchedule() {
    int n = 1_000_000;
    assertThat(CascadeVariant.ORIGINAL.passes()).isEqualTo(4);
    assertThat(CascadeVariant.YANETAL.passes()).isEqualTo(14);
    assertThat(CascadeVariant.OPTION7.passes()).isEqualTo(14);
    // original: ceil(0.73/p), doubling
    assertThat(CascadeVariant.ORIGINAL.blockSize(1, 0.02, n)).isEqualTo(37);
    assertThat(CascadeVariant.ORIGINAL.blockSize(2, 0.02, n)).isEqualTo(74);
    assertThat(CascadeVariant.ORIGINAL.blockSize(4, 0.02, n)).isEqualTo(296);
    assertThat(CascadeVariant.ORIGINAL.blockSize(1, 0.05, n)).isEqualTo(15);
    // yanetal: ceil(0.8/p), 5x, then n/2
    assertThat(CascadeVariant.YANETAL.blockSize(1, 0.02, n)).isEqualTo(40);
    assertThat(CascadeVariant.YANETAL.blockSize(2, 0.02, n)).isEqualTo(200);
    assertThat(CascadeVariant.YANETAL.blockSize(3, 0.02, n)).isEqualTo(500_000);
    assertThat(CascadeVariant.YANETAL.blockSize(14, 0.02, n)).isEqualTo(500_000);
    assertThat(CascadeVariant.YANETAL.blockSize(1, 0.08, n)).isEqualTo(10);
    // option 7: 2^ceil(log2(1/p)), 4x, then n/2
    assertThat(CascadeVariant.OPTION7.blockSize(1, 0.01, n)).isEqualTo(128);
    assertThat(CascadeVariant.OPTION7.blockSize(1, 0.02, n)).isEqualTo(64);
    assertThat(CascadeVariant.OPTION7.blockSize(2, 0.02, n)).isEqualTo(256);
    assertThat(CascadeVariant.OPTION7.blockSize(1, 0.05, n)).isEqualTo(32);
    assertThat(CascadeVariant.OPTION7.blockSize(1, 0.08, n)).isEqualTo(16);
    assertThat(CascadeVariant.OPTION7.blockSize(1, 0.125, n)).isEqualTo(8);
    assertThat(CascadeVariant.OPTION7.blockSize(5, 0.02, n)).isEqualTo(500_000);
    assertThatThrownBy(() -> CascadeVariant.YANETAL.blockSize(15, 0.02, n))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pass");
    assertThatThrownBy(() -> CascadeVariant.YANETAL.blockSize(1, 0.6, n))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qber");
    assertThat(CascadeVariant.parse("Option7")).isEqualTo(CascadeVariant.OPTION7);
    assertThatThrownBy(() -> CascadeVariant.parse("ldpc"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ldpc");
  }

  @Test
  void passPermutation_mapsBothWaysAndAppliesConsistently() {
    int bits = 3 * FrameLayout.GRANULE;
    PassPermutation p = PassPermutation.of(7, 3, 2, bits);
    boolean[] seen = new boolean[bits];
    for (int x = 0; x < bits; x++) {
      int q = p.toPermuted(x);
      assertThat(seen[q]).isFalse();
      seen[q] = true;
      assertThat(p.toOriginal(q)).isEqualTo(x);
    }
    long[] src = InProcessCascade.randomFrame(bits, new SplitMix64(1)).copyWords();
    long[] dst = new long[src.length];
    p.apply(src, dst);
    for (int x = 0; x < bits; x++) {
      assertThat(BitString.bit(dst, p.toPermuted(x))).isEqualTo(BitString.bit(src, x));
    }
    PassPermutation other = PassPermutation.of(7, 4, 2, bits);
    int same = 0;
    for (int x = 0; x < bits; x++) {
      same += other.toPermuted(x) == p.toPermuted(x) ? 1 : 0;
    }
    assertThat(same).as("another frame gets another permutation").isLessThan(10);
  }

  @Test
  void transpose64_matchesBitByBitTranspose() {
    SplitMix64 rng = new SplitMix64(3);
    long[] a = new long[64];
    for (int i = 0; i < 64; i++) {
      a[i] = rng.nextLong();
    }
    long[] t = a.clone();
    PassPermutation.transpose64(t);
    for (int i = 0; i < 64; i++) {
      for (int j = 0; j < 64; j++) {
        assertThat((t[i] >>> j) & 1).isEqualTo((a[j] >>> i) & 1);
      }
    }
  }

  @Test
  void parity_anyRange_matchesBitByBit() {
    long[] w = InProcessCascade.randomFrame(300, new SplitMix64(11)).copyWords();
    for (int from = 0; from < 300; from += 7) {
      for (int to = from; to <= 300; to += 5) {
        int expect = 0;
        for (int i = from; i < to; i++) {
          expect ^= BitString.bit(w, i);
        }
        assertThat(BitString.parity(w, from, to)).as("[%d,%d)", from, to).isEqualTo(expect);
      }
    }
  }

  @Test
  void codec_roundTrip_keepsMessagesExactly() {
    ParityQuestions q = new ParityQuestions(-5L, 7, new int[] {3, 64},
        new int[] {0, 100, 150, 2, 40, 41, 13, 1_000_000, 1_500_000});
    assertThat(CascadeCodec.decodeQuestions(CascadeCodec.encode(q))).isEqualTo(q);
    ParityAnswers a = new ParityAnswers(9L, 2, 70, new long[] {-1L, 0x2AL});
    assertThat(CascadeCodec.decodeAnswers(CascadeCodec.encode(a))).isEqualTo(a);
  }

  @Test
  void codec_malformedBytes_refusedWithReason() {
    byte[] good = CascadeCodec.encode(new ParityQuestions(1, 1, new int[0], new int[] {0, 1, 5}));
    assertThatThrownBy(() -> CascadeCodec.decodeQuestions(
        java.util.Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching("(?s).*(truncated|holds only).*");
    assertThatThrownBy(() -> CascadeCodec.decodeAnswers(good))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind");
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> CascadeCodec.decodeQuestions(longer))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
  }

  @Test
  void aliceAnswer_badQuestions_refusedAndNothingDisclosed() {
    BitString key = InProcessCascade.randomFrame(5000, new SplitMix64(2));
    CascadeAlice a = new CascadeAlice(4, key, SEED);
    int padded = FrameLayout.paddedBits(5000);
    assertThatThrownBy(() -> a.answer(new ParityQuestions(5, 1, new int[0], new int[0])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frame 5");
    assertThatThrownBy(() -> a.answer(new ParityQuestions(4, 2, new int[0], new int[0])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("round");
    assertThatThrownBy(() -> a.answer(
        new ParityQuestions(4, 1, new int[0], new int[] {0, 10, padded + 1})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
    assertThatThrownBy(() -> a.answer(new ParityQuestions(4, 1, new int[] {99, 10}, new int[0])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pass 99");
    assertThat(a.disclosedBits()).isZero();
    ParityQuestions q = new ParityQuestions(4, 1, new int[0], new int[] {0, 0, 8});
    ParityAnswers first = a.answer(q);
    assertThat(a.answer(q)).as("a retried round is answered again, not counted again")
        .isEqualTo(first);
    assertThat(a.disclosedBits()).isEqualTo(1);
  }

  @Test
  void bobOnAnswers_wrongRoundOrSize_refused() {
    BitString key = InProcessCascade.randomFrame(5000, new SplitMix64(2));
    CascadeBob b = new CascadeBob(4, key, CascadeVariant.YANETAL, 0.02, SEED);
    ParityQuestions q = b.start();
    assertThatThrownBy(() -> b.onAnswers(new ParityAnswers(4, 2, 0, new long[0])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("round");
    assertThatThrownBy(() -> b.onAnswers(new ParityAnswers(4, 1, 3, new long[1])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected");
    assertThat(b.leakedBits()).isZero();
    assertThat(q.round()).isEqualTo(1);
  }

  @Test
  void bitString_toStringAndKeyMaterial_neverShowBitsAndRoundTrip() {
    BitString s = InProcessCascade.randomFrame(77, new SplitMix64(8));
    assertThat(s.toString()).isEqualTo("BitString[77 bits]");
    assertThat(BitString.fromKeyMaterial(s.toKeyMaterial(), 77).contentEquals(s)).isTrue();
  }
}
