package org.qkdnet.qnode.postprocessing.sifting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.device.sim.AliceSlot;
import org.qkdnet.qnode.device.sim.Basis;
import org.qkdnet.qnode.device.sim.Bb84AliceView;
import org.qkdnet.qnode.device.sim.Bb84BobView;
import org.qkdnet.qnode.device.sim.Bb84Parameters;
import org.qkdnet.qnode.device.sim.Bb84Simulator;
import org.qkdnet.qnode.postprocessing.estimation.BlockCounts;
import org.qkdnet.qnode.postprocessing.estimation.FrameStatistics;
import org.qkdnet.qnode.postprocessing.estimation.PerClass;

/**
 * The sifter works on 64 detections at a time; this checks it against the definition, detection
 * by detection, written out plainly here: every field of both ends' sifted frames, the raw key's
 * bytes, the disclosed bits and the frame counts, over frames of every size near the word
 * boundaries and over full-size frames.
 */
class SifterReferenceTest {

  /** One end's sifted frame by the definition: matching-basis detections in order. */
  private record Reference(int[] slots, boolean[] x, byte[] classes, int[] bits) {
    int size() {
      return slots.length;
    }

    byte[] keyBytes() {
      int keys = 0;
      for (boolean b : x) {
        keys += b ? 0 : 1;
      }
      byte[] out = new byte[(keys + 7) / 8];
      int j = 0;
      for (int i = 0; i < size(); i++) {
        if (!x[i]) {
          out[j / 8] |= (byte) (bits[i] << (7 - j % 8));
          j++;
        }
      }
      return out;
    }

    BitString disclosed() {
      BitString.Builder b = new BitString.Builder(size());
      for (int i = 0; i < size(); i++) {
        if (x[i]) {
          b.add(bits[i] != 0);
        }
      }
      return b.build();
    }
  }

  private static Reference[] reference(Bb84AliceView alice, Bb84BobView bob) {
    int n = bob.detections();
    int m = 0;
    int[] slots = new int[n];
    boolean[] x = new boolean[n];
    byte[] classes = new byte[n];
    int[] aliceBits = new int[n];
    int[] bobBits = new int[n];
    for (int i = 0; i < n; i++) {
      AliceSlot a = alice.slot(bob.slot(i));
      if (a.basis() == bob.basis(i)) {
        slots[m] = bob.slot(i);
        x[m] = a.basis() == Basis.X;
        classes[m] = a.intensity().code();
        aliceBits[m] = a.bit();
        bobBits[m] = bob.bit(i);
        m++;
      }
    }
    return new Reference[] {
      new Reference(Arrays.copyOf(slots, m), Arrays.copyOf(x, m), Arrays.copyOf(classes, m), Arrays.copyOf(aliceBits, m)),
      new Reference(Arrays.copyOf(slots, m), Arrays.copyOf(x, m), Arrays.copyOf(classes, m), Arrays.copyOf(bobBits, m))
    };
  }

  private static void assertSame(SiftedFrame actual, Reference expected) {
    assertThat(actual.size()).isEqualTo(expected.size());
    assertThat(actual.slots()).isEqualTo(expected.slots());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.isX(i)).as("basis of %d", i).isEqualTo(expected.x()[i]);
      assertThat(actual.intensity(i).code()).as("class of %d", i).isEqualTo(expected.classes()[i]);
    }
    try (KeyMaterial key = actual.keyBits()) {
      assertThat(key.copyBytes()).isEqualTo(expected.keyBytes());
    }
    assertThat(actual.disclosedBits()).isEqualTo(expected.disclosed());
    assertThat(actual.keyLength() + actual.disclosedLength()).isEqualTo(expected.size());
  }

  /** The counts by the definition, as FrameStatistics documents them. */
  private static BlockCounts referenceCounts(Reference own, Reference peer) {
    long[] z = new long[3];
    long[] x = new long[3];
    long[] e = new long[3];
    for (int i = 0; i < own.size(); i++) {
      int k = own.classes()[i];
      if (own.x()[i]) {
        x[k]++;
        e[k] += own.bits()[i] != peer.bits()[i] ? 1 : 0;
      } else {
        z[k]++;
      }
    }
    return new BlockCounts(PerClass.of(z),
        PerClass.of(x),
        PerClass.of(e), 1);
  }

  private static void check(Bb84Simulator sim, long frame) {
    Bb84AliceView aliceView = sim.aliceView(frame);
    Bb84BobView bobView = sim.bobView(frame);
    Reference[] expected = reference(aliceView, bobView);

    SiftingAnnouncement announcement = Sifter.announce(bobView);
    assertThat(announcement.slots()).isEqualTo(bobView.slots());
    for (int i = 0; i < bobView.detections(); i++) {
      assertThat(announcement.xBasis().get(i)).isEqualTo(bobView.isX(i));
    }
    Sifter.AliceSifting alice = Sifter.alice(aliceView, announcement);
    SiftedFrame bob = Sifter.bob(bobView, alice.reply());
    for (int i = 0; i < bobView.detections(); i++) {
      assertThat(alice.reply().match().get(i))
          .isEqualTo(aliceView.slot(bobView.slot(i)).basis() == bobView.basis(i));
    }
    assertThat(alice.reply().intensities()).isEqualTo(expected[0].classes());
    assertSame(alice.sifted(), expected[0]);
    assertSame(bob, expected[1]);
    assertThat(FrameStatistics.tally(alice.sifted(), bob.disclosedBits()))
        .isEqualTo(referenceCounts(expected[0], expected[1]));
    assertThat(FrameStatistics.tally(bob, alice.sifted().disclosedBits()))
        .isEqualTo(referenceCounts(expected[1], expected[0]));
  }

  @Test
  void smallFrames_ofEverySizeAroundTheWordBoundaries_siftAsDefined() {
    // Nearly every pulse clicks (no fiber, perfect detector, bright pulses), with errors and
    // dark counts: detections and sifted sizes sweep 0..~400, across multiples of 64.
    Bb84Parameters d = Bb84Parameters.defaults();
    Set<Integer> siftedModulo = new HashSet<>();
    Set<Integer> detections = new HashSet<>();
    for (int slots = Bb84Parameters.MIN_FRAME_SLOTS; slots <= 520; slots += 7) {
      Bb84Parameters p = new Bb84Parameters(d.pulseRateHz(), d.fiberLossDbPerKm(), 1, 0.05, 0.05, 0.03, 0.05,
          8, 0.5, d.signalProbability(), d.decoyProbability(), d.vacuumProbability(), d.zBasisProbability(), slots);
      Bb84Simulator sim = new Bb84Simulator(p, 0, slots);
      for (long frame = 0; frame < 4; frame++) {
        check(sim, frame);
        Bb84BobView bob = sim.bobView(frame);
        detections.add(bob.detections() % 64);
        SiftingAnnouncement a = Sifter.announce(bob);
        siftedModulo.add(Sifter.alice(sim.aliceView(frame), a).sifted().size() % 64);
      }
    }
    // The sweep did cross the word boundaries (full, one past, one short).
    assertThat(detections).contains(0, 1, 63);
    assertThat(siftedModulo).contains(0, 1, 63);
  }

  @Test
  void defaultFrames_at25And100Km_siftAsDefined() {
    Bb84Parameters p = Bb84Parameters.defaults().withFrameSlots(2_000_000);
    for (double km : new double[] {25, 100}) {
      Bb84Simulator sim = new Bb84Simulator(p, km, 77);
      for (long frame = 0; frame < 2; frame++) {
        check(sim, frame);
      }
    }
  }

  @Test
  void keyBasisAlmostAlways_wholeWordsOfKey_siftAsDefined() {
    // With Z at 0.999 most 64-detection words hold key only, written whole and at any offset.
    Bb84Parameters d = Bb84Parameters.defaults();
    Bb84Parameters p = new Bb84Parameters(d.pulseRateHz(), d.fiberLossDbPerKm(), 1, 0.01, 0, 0.02, 0.02, 8, 0.5,
        d.signalProbability(), d.decoyProbability(), d.vacuumProbability(), 0.999, 100_000);
    Bb84Simulator sim = new Bb84Simulator(p, 10, 3);
    for (long frame = 0; frame < 3; frame++) {
      check(sim, frame);
    }
  }

  @Test
  void noDetections_siftToEmptyFrames() {
    Bb84Parameters d = Bb84Parameters.defaults();
    Bb84Parameters p = new Bb84Parameters(d.pulseRateHz(), d.fiberLossDbPerKm(), d.detectorEfficiency(), 0, 0,
        0.01, 0.01, d.signalIntensity(), d.decoyIntensity(), d.signalProbability(), d.decoyProbability(),
        d.vacuumProbability(), d.zBasisProbability(), Bb84Parameters.MIN_FRAME_SLOTS);
    Bb84Simulator sim = new Bb84Simulator(p, 300, 5); // 300 km: 1e-6 per pulse, 64 pulses
    Bb84BobView bob = sim.bobView(0);
    assertThat(bob.detections()).isZero();
    check(sim, 0);
    SiftedFrame sifted = Sifter.bob(bob, Sifter.alice(sim.aliceView(0), Sifter.announce(bob)).reply());
    assertThat(sifted.size()).isZero();
    assertThat(sifted.nextX(0)).isEqualTo(-1);
    try (KeyMaterial key = sifted.keyBits()) {
      assertThat(key.length()).isZero();
    }
  }
}
