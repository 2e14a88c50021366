package org.qkdnet.qnode.postprocessing.sifting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.device.sim.AliceSlot;
import org.qkdnet.qnode.device.sim.Bb84AliceView;
import org.qkdnet.qnode.device.sim.Bb84BobView;
import org.qkdnet.qnode.device.sim.Bb84Parameters;
import org.qkdnet.qnode.device.sim.Bb84Simulator;
import org.qkdnet.qnode.device.sim.Intensity;
import org.qkdnet.qnode.crypto.KeyMaterial;

class SifterTest {
  private static Bb84Simulator simulator(double darkCount, double misalignment) {
    Bb84Parameters d = Bb84Parameters.defaults();
    Bb84Parameters p = new Bb84Parameters(d.pulseRateHz(), d.fiberLossDbPerKm(), d.detectorEfficiency(),
        darkCount, 0, misalignment, misalignment, d.signalIntensity(), d.decoyIntensity(), d.signalProbability(),
        d.decoyProbability(), d.vacuumProbability(), d.zBasisProbability(), 4_000_000);
    return new Bb84Simulator(p, 25, 21);
  }

  @Test
  void sift_bothEnds_keepExactlyTheMatchingBasisSlots() {
    Bb84Simulator sim = simulator(1e-6, 0.015);
    Bb84AliceView aliceView = sim.aliceView(6);
    Bb84BobView bobView = sim.bobView(6);

    SiftingAnnouncement announcement = Sifter.announce(bobView);
    Sifter.AliceSifting alice = Sifter.alice(aliceView, announcement);
    SiftedFrame bob = Sifter.bob(bobView, alice.reply());

    // The expected sift, computed from both views directly (only a test may look at both).
    int[] expected = new int[bobView.detections()];
    int n = 0;
    int keys = 0;
    for (int i = 0; i < bobView.detections(); i++) {
      AliceSlot a = aliceView.slot(bobView.slot(i));
      if (a.basis() == bobView.basis(i)) {
        expected[n++] = bobView.slot(i);
        keys += a.basis() == org.qkdnet.qnode.device.sim.Basis.Z ? 1 : 0; // every Z-basis bit is key
      }
    }
    assertThat(n).isGreaterThan(10_000).isLessThan(bobView.detections());
    assertThat(alice.sifted().slots()).isEqualTo(java.util.Arrays.copyOf(expected, n));
    assertThat(bob.slots()).isEqualTo(alice.sifted().slots());
    assertThat(bob.keyLength()).isEqualTo(alice.sifted().keyLength()).isEqualTo(keys);
    for (int i = 0; i < n; i++) {
      assertThat(bob.isX(i)).isEqualTo(alice.sifted().isX(i));
      assertThat(bob.intensity(i)).isEqualTo(alice.sifted().intensity(i))
          .isEqualTo(aliceView.slot(bob.slot(i)).intensity());
    }
    assertThat(alice.reply().match().length()).isEqualTo(bobView.detections());
  }

  @Test
  void sift_noErrorsNoDarkCounts_keysAndDisclosedBitsAgree() {
    Bb84Simulator sim = simulator(0, 0);
    Bb84BobView bobView = sim.bobView(1);
    Sifter.AliceSifting alice = Sifter.alice(sim.aliceView(1), Sifter.announce(bobView));
    SiftedFrame bob = Sifter.bob(bobView, alice.reply());
    try (KeyMaterial a = alice.sifted().keyBits(); KeyMaterial b = bob.keyBits()) {
      assertThat(a.length()).isEqualTo((bob.keyLength() + 7) / 8).isPositive();
      assertThat(a.contentEquals(b)).isTrue();
    }
    assertThat(bob.disclosedBits()).isEqualTo(alice.sifted().disclosedBits());
    assertThat(bob.disclosedLength()).isEqualTo(bob.size() - bob.keyLength());
  }

  @Test
  void sift_withMisalignment_keysDiffer() {
    Bb84Simulator sim = simulator(1e-6, 0.05);
    Bb84BobView bobView = sim.bobView(1);
    Sifter.AliceSifting alice = Sifter.alice(sim.aliceView(1), Sifter.announce(bobView));
    SiftedFrame bob = Sifter.bob(bobView, alice.reply());
    try (KeyMaterial a = alice.sifted().keyBits(); KeyMaterial b = bob.keyBits()) {
      assertThat(a.contentEquals(b)).isFalse();
    }
  }

  @Test
  void alice_announcementForOtherFrameOrOutsideFrame_isRejected() {
    Bb84Simulator sim = simulator(1e-6, 0.015);
    SiftingAnnouncement other = Sifter.announce(sim.bobView(2));
    assertThatThrownBy(() -> Sifter.alice(sim.aliceView(3), other)).hasMessageContaining("frame 2");
    SiftingAnnouncement outside = new SiftingAnnouncement(3, new int[] {5, 4_000_000},
        new BitString.Builder(2).add(false).add(true).build());
    assertThatThrownBy(() -> Sifter.alice(sim.aliceView(3), outside)).hasMessageContaining("4000000");
  }

  @Test
  void bob_replyOfWrongLengthOrFrame_isRejected() {
    Bb84Simulator sim = simulator(1e-6, 0.015);
    Bb84BobView bobView = sim.bobView(0);
    SiftingReply shortReply = new SiftingReply(0, new BitString.Builder(1).add(false).build(), new byte[0]);
    assertThatThrownBy(() -> Sifter.bob(bobView, shortReply)).hasMessageContaining("reply matches 1");
    SiftingReply otherFrame = Sifter.alice(sim.aliceView(1), Sifter.announce(sim.bobView(1))).reply();
    assertThatThrownBy(() -> Sifter.bob(bobView, otherFrame)).hasMessageContaining("frame 1");
  }

  @Test
  void records_inconsistentFields_areRejected() {
    BitString two = new BitString.Builder(2).add(true).add(false).build();
    assertThatThrownBy(() -> new SiftingAnnouncement(0, new int[] {3, 3}, two)).hasMessageContaining("ascending");
    assertThatThrownBy(() -> new SiftingAnnouncement(0, new int[] {3}, two)).hasMessageContaining("2 bases");
    assertThatThrownBy(() -> new SiftingReply(0, two, new byte[2])).hasMessageContaining("1 matches");
    assertThatThrownBy(() -> new SiftingReply(0, two, new byte[] {3})).hasMessageContaining("code 3");
  }

  @Test
  void bitString_bytesRoundTrip_preservesBits() {
    BitString.Builder b = new BitString.Builder(3);
    for (int i = 0; i < 203; i++) {
      b.add(i % 3 == 0 || i % 7 == 0);
    }
    BitString s = b.build();
    assertThat(BitString.fromBytes(s.toByteArray(), 203)).isEqualTo(s);
    assertThat(s.toByteArray()).hasSize(26);
    assertThat(s.get(0)).isTrue();
    assertThat(s.get(1)).isFalse();
    assertThat(s.get(7)).isTrue();
  }
}
