package org.qkdnet.qnode.device.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GapSamplerTest {
  /** Successes of the Bernoulli process the sampler drives, over many slots, vs n * p (5 sigma). */
  @ParameterizedTest
  @ValueSource(doubles = {0.3, 0.031, 1e-3, 2e-6})
  void gap_drivesBernoulliProcessAtRateP(double p) {
    GapSampler s = new GapSampler(p);
    long slots = p > 1e-4 ? 20_000_000L : 4_000_000_000L;
    long successes = 0;
    long zeroGaps = 0;
    long draws = 0;
    long slot = -1;
    for (long i = 0; ; i++) {
      int g = s.gap((int) (CounterRandom.at(12345, i) >>> (64 - GapSampler.U_BITS)));
      slot += g == s.tableSize() ? g : g + 1;
      if (slot >= slots) {
        break;
      }
      if (g != s.tableSize()) {
        successes++;
        draws++;
        zeroGaps += g == 0 ? 1 : 0;
      }
    }
    double sigma = Math.sqrt(slots * p * (1 - p));
    assertThat((double) successes).isBetween(slots * p - 5 * sigma, slots * p + 5 * sigma);
    if (p > 1e-2) {
      double zSigma = Math.sqrt(draws * p * (1 - p));
      assertThat((double) zeroGaps).as("P(gap = 0) = p").isBetween(draws * p - 5 * zSigma, draws * p + 5 * zSigma);
    }
  }
}
