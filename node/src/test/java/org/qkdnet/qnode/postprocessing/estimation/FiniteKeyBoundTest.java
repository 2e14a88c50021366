package org.qkdnet.qnode.postprocessing.estimation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FiniteKeyBoundTest {
  private static final FiniteKeyBound BOUND = new FiniteKeyBound(0.4, 0.2, 0, 0.5, 0.3, 0.2, EpsilonBudget.DEFAULTS);

  /** A small block: key-basis (Z) and test-basis (X) counts per class signal/decoy/vacuum. */
  private static BlockCounts small(long signalXErrors, long decoyXErrors) {
    return new BlockCounts(new PerClass(600_000, 180_000, 300), new PerClass(60_000, 18_000, 30),
        new PerClass(signalXErrors, decoyXErrors, 15), 10);
  }

  @Test
  void eachTerm_matchesHandComputedValues() {
    // tau_0 = 0.5 e^-0.4 + 0.3 e^-0.2 + 0.2 = 0.78077925; tau_1 = 0.5*0.4 e^-0.4 + 0.3*0.2 e^-0.2 = 0.18318785
    assertThat(BOUND.tau(0)).isCloseTo(0.7807792489, within(1e-9));
    assertThat(BOUND.tau(1)).isCloseTo(0.1831878544, within(1e-9));
    // deviation over n_Z = 780,300 counts: sqrt(780300/2 * ln(21/1e-10)) = 3189.256
    assertThat(BOUND.deviation(780_300)).isCloseTo(3189.2564, within(1e-3));
    BlockCounts c = small(900, 300);
    // s_0: tau_0 (0.2 * e^0/0.2 (300 - 3189.26)) / 0.2 < 0, so 0
    assertThat(BOUND.vacuumLower(c.zDetections())).isZero();
    // s_1 = tau_1 mu1 [n2- - n3+ - (mu2^2/mu1^2)(n1+ - 0)] / (mu1 mu2 - mu2^2)
    //     = 0.18318785 * 0.4 * [e^0.2/0.3 (180000 - 3189.26) - (300 + 3189.26)/0.2
    //        - 0.25 e^0.4/0.5 (600000 + 3189.26)] / (0.08 - 0.04) = 462,520.94
    assertThat(BOUND.singlePhotonLower(c.zDetections())).isCloseTo(462_520.94, within(0.5));
    assertThat(BOUND.singlePhotonLower(c.xDetections())).isCloseTo(33_850.21, within(0.5));
    // v_1 = tau_1 (e^0.2/0.3 (300 + d) - (15 - d)/0.2) / 0.2, d = sqrt(1215/2 ln(21e10)) = 126.2
    assertThat(BOUND.singlePhotonErrorsUpper(c.xErrors())).isCloseTo(2_095.68, within(0.05));
    FiniteKeyBound.Result r = BOUND.evaluate(c, 100_000);
    // phi = 2095.68/33850.21 + gamma(1e-10, 0.0619105, 33850.21, 462520.94) = 0.0749883
    assertThat(r.phaseError()).isCloseTo(0.0749883, within(1e-6));
    // 6 log2(21e10) + log2(2e15) = 276.4985
    assertThat(r.epsCostBits()).isCloseTo(276.4985, within(1e-3));
    // l = 0 + 462520.94 (1 - h(0.0749883)) - 100000 - 276.50 = 184,511.8
    assertThat(r.secureBits()).isEqualTo(184_511);
    assertThat(r.noKeyReason()).isEmpty();
  }

  @Test
  void moreTestBasisErrors_lessKey_untilNone() {
    long previous = Long.MAX_VALUE;
    long last = -1;
    for (long e = 300; e <= 9_000; e += 300) {
      long bits = BOUND.evaluate(small(e * 3, e), 100_000).secureBits();
      assertThat(bits).isLessThanOrEqualTo(previous);
      previous = bits;
      last = bits;
    }
    assertThat(last).isZero();
    FiniteKeyBound.Result none = BOUND.evaluate(small(27_000, 9_000), 100_000);
    assertThat(none.noKeyReason()).get().asString().contains("no key");
  }

  @Test
  void noErrorsAtAll_stillPaysTheSamplingTerm() {
    FiniteKeyBound.Result r = BOUND.evaluate(
        new BlockCounts(new PerClass(600_000, 180_000, 300), new PerClass(60_000, 18_000, 30), PerClass.ZERO, 10), 0);
    // no error in 33,850 single-photon test detections still bounds phi by ln(21/eps)/s_1^test
    // = 26.07 / 33,850 = 7.7e-4 plus the sampling term
    assertThat(r.phaseError()).isGreaterThan(26.07 / 33_850.21);
    assertThat(r.secureBits()).isLessThan((long) r.singleKey());
  }

  @Test
  void tooFewCounts_noKey_saysWhy() {
    FiniteKeyBound.Result r = BOUND.evaluate(
        new BlockCounts(new PerClass(600, 180, 1), new PerClass(60, 18, 0), new PerClass(1, 0, 0), 1), 10);
    assertThat(r.secureBits()).isZero();
    assertThat(r.noKeyReason()).get().asString().contains("single-photon");
  }

  @Test
  void leakAndEpsilonAreCharged() {
    long a = BOUND.evaluate(small(900, 300), 100_000).secureBits();
    long b = BOUND.evaluate(small(900, 300), 150_000).secureBits();
    assertThat(a - b).isBetween(49_999L, 50_001L);
    FiniteKeyBound looser = new FiniteKeyBound(0.4, 0.2, 0, 0.5, 0.3, 0.2, new EpsilonBudget(1e-6, 1e-9));
    assertThat(looser.evaluate(small(900, 300), 100_000).secureBits()).isGreaterThan(a);
  }

  @Test
  void badParameters_refusedWithTheRule() {
    assertThatThrownBy(() -> new FiniteKeyBound(0.2, 0.2, 0, 0.5, 0.3, 0.2, EpsilonBudget.DEFAULTS))
        .hasMessageContaining("mu1 > mu2 + mu3");
    assertThatThrownBy(() -> new FiniteKeyBound(0.4, 0.2, 0, 0.5, 0.3, 0.3, EpsilonBudget.DEFAULTS))
        .hasMessageContaining("sum to 1");
    assertThatThrownBy(() -> new EpsilonBudget(0, 1e-15)).hasMessageContaining("eps-sec");
    assertThatThrownBy(() -> new EpsilonBudget(1e-10, 1)).hasMessageContaining("eps-cor");
    assertThatThrownBy(() -> BOUND.evaluate(small(900, 300), -1)).hasMessageContaining("leak");
  }

  @Test
  void verificationTag_checkedAgainstEpsCor() {
    EpsilonBudget eps = EpsilonBudget.DEFAULTS;
    // one 64-bit hash over 65,537 words fails with up to 3.6e-15 > 1e-15 for a single frame
    assertThatThrownBy(() -> eps.checkVerification(64, 65_536, 1)).hasMessageContaining("eps-cor");
    eps.checkVerification(128, 65_536, 10_000);
    assertThat(EpsilonBudget.verificationFailure(8, 10)).isEqualTo(1.0 / 256);
    assertThatThrownBy(() -> EpsilonBudget.verificationFailure(0, 10)).hasMessageContaining("1..128");
  }
}
