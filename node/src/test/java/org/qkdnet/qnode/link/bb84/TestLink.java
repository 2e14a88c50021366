package org.qkdnet.qnode.link.bb84;

import org.qkdnet.qnode.crypto.TestKek;

import java.nio.file.Path;
import org.qkdnet.qnode.config.Bb84Settings;
import org.qkdnet.qnode.device.QkdDevice.LinkEnds;
import org.qkdnet.qnode.device.sim.Bb84Parameters;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.postprocessing.cascade.CascadeVariant;
import org.qkdnet.qnode.postprocessing.estimation.EpsilonBudget;

/** Alice's (AAA) and Bob's (BBB) ends of one 25 km bb84-sim link over two real key stores in a directory. */
final class TestLink implements AutoCloseable {
  static final LinkEnds LINK = LinkEnds.of("AAA", "BBB", 25);
  /** The pinned dispatcher reconciliation actors are spawned on, for an ActorTestKit's config. */
  static final String RECONCILIATION_DISPATCHER =
      "qkd.reconciliation-dispatcher { type = PinnedDispatcher, executor = \"thread-pool-executor\" }";

  final StationKeyStore aliceStore;
  final StationKeyStore bobStore;
  final Bb84LinkEnd alice;
  final Bb84LinkEnd bob;

  TestLink(Path dir, Bb84Settings settings, String seed, long maxPoolBytes) {
    aliceStore = StationKeyStore.open(dir.resolve("a"), "AAA", TestKek.kek());
    bobStore = StationKeyStore.open(dir.resolve("b"), "BBB", TestKek.kek());
    alice = new Bb84LinkEnd("AAA", LINK, seed, settings, aliceStore, maxPoolBytes, 1.0, 0);
    bob = new Bb84LinkEnd("BBB", LINK, seed, settings, bobStore, maxPoolBytes, 1.0, 0);
  }

  /**
   * Sifted key bits per block in the link tests: the smallest block of round numbers for which the
   * default physics yields finite-key key at 25 km (about 2.5e4 secure bits per block).
   */
  static final long BLOCK_BITS = 200_000;

  /** Default physics with {@code frameSlots} pulses per frame, yanetal Cascade, 4 frames in flight. */
  static Bb84Settings settings(int frameSlots, double abortQber) {
    return new Bb84Settings(Bb84Parameters.defaults().withFrameSlots(frameSlots), abortQber, CascadeVariant.YANETAL,
        EpsilonBudget.DEFAULTS, 128, BLOCK_BITS, 4);
  }

  @Override
  public void close() {
    aliceStore.close();
    bobStore.close();
  }
}
