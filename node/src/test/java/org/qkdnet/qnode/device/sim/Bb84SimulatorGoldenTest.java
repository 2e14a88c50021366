package org.qkdnet.qnode.device.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pins Bob's view bit for bit: a SHA-256 over the detections, slots, bases and bits (and Alice's
 * class, basis and bit in each detected slot) of a few frames at a few settings, with expected
 * values computed by the simulator before its Bob side was optimised. A speed-up must keep these;
 * a deliberate change of the random streams must say why in its commit and update them.
 */
class Bb84SimulatorGoldenTest {

  private static Bb84Parameters params(double efficiency, double darkCount, double afterpulse,
      double misalignmentZ, double misalignmentX, double mu, double nu, int frameSlots) {
    Bb84Parameters d = Bb84Parameters.defaults();
    return new Bb84Parameters(d.pulseRateHz(), d.fiberLossDbPerKm(), efficiency, darkCount, afterpulse,
        misalignmentZ, misalignmentX, mu, nu, d.signalProbability(), d.decoyProbability(),
        d.vacuumProbability(), d.zBasisProbability(), frameSlots);
  }

  private static String digest(Bb84Simulator sim, long... frames) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteBuffer b = ByteBuffer.allocate(16);
      for (long frame : frames) {
        Bb84BobView bob = sim.bobView(frame);
        Bb84AliceView alice = sim.aliceView(frame);
        sha.update(b.clear().putLong(frame).putInt(bob.detections()).array(), 0, 12);
        for (int i = 0; i < bob.detections(); i++) {
          AliceSlot a = alice.slot(bob.slot(i));
          b.clear().putInt(bob.slot(i)).put((byte) (bob.isX(i) ? 1 : 0)).put((byte) bob.bit(i))
              .put((byte) a.intensity().ordinal()).put((byte) a.basis().ordinal()).put((byte) a.bit());
          sha.update(b.array(), 0, 9);
        }
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void defaultsAt25Km_frameNotAMultipleOfTheChunk() {
    Bb84Parameters p = Bb84Parameters.defaults().withFrameSlots(5_000_037);
    assertThat(digest(new Bb84Simulator(p, 25, 42), 0, 7)).isEqualTo("608ba500e25ab089bb17f1e17eaed23e");
  }

  @Test
  void defaultsAt100Km() {
    Bb84Parameters p = Bb84Parameters.defaults().withFrameSlots(20_000_000);
    assertThat(digest(new Bb84Simulator(p, 100, 3), 1)).isEqualTo("e50bc24c958563cff5a922d276e58545");
  }

  @Test
  void highDarkCountsAndAfterpulses_xMisalignmentAboveZ() {
    Bb84Parameters p = params(0.2, 1e-3, 0.05, 0.01, 0.04, 0.4, 0.2, 2_000_003);
    assertThat(digest(new Bb84Simulator(p, 25, -5), 0, 1, 2)).isEqualTo("55657a4eb9511a69cc4651adb135e2b2");
  }

  @Test
  void noDarkCounts() {
    Bb84Parameters p = params(0.2, 0, 0, 0.015, 0.015, 0.4, 0.2, 1_000_000);
    assertThat(digest(new Bb84Simulator(p, 50, 11), 4)).isEqualTo("c69532e13db3d6b2f1dda6b2d1291fef");
  }

  @Test
  void darkCountsOnly_photonGapsMostlyInTheTail() {
    // eta ~ 1e-41: nearly every photon draw is a tail draw; the clicks are dark counts.
    Bb84Parameters p = params(0.2, 1e-2, 0, 0.015, 0.015, 0.4, 0.2, 3_000_000);
    assertThat(digest(new Bb84Simulator(p, 200, 8), 0)).isEqualTo("ba89e30a4822f7c9cf4a21bad904a4f0");
  }

  @Test
  void nearlyEverySlotClicks() {
    Bb84Parameters p = params(1, 0.1, 0.2, 0.1, 0.2, 9, 0.5, 100_001);
    assertThat(digest(new Bb84Simulator(p, 0, 99), 0, 3)).isEqualTo("244fa0140ebcc19d4d4ac357b07b6bd2");
  }

  @Test
  void tinyFrames() {
    long[] frames = new long[40];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = i;
    }
    StringBuilder all = new StringBuilder();
    for (int slots : new int[] {Bb84Parameters.MIN_FRAME_SLOTS, 65, 100}) {
      Bb84Parameters p = params(0.5, 1e-2, 0.01, 0.015, 0.03, 0.6, 0.2, slots);
      all.append(digest(new Bb84Simulator(p, 10, slots), frames)).append(' ');
    }
    assertThat(all.toString().trim()).isEqualTo(
        "1e97d3d1a8e6d69a002c5ac4ea84fd88 b27816f99e1cca0fad8ccb628d892768 60f7b64e7bc2c47a106001c4cd5cfdf2");
  }
}
