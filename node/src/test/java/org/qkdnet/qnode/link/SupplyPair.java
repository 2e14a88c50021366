package org.qkdnet.qnode.link;

import org.qkdnet.qnode.crypto.TestKek;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.keystore.ApplyResult;
import org.qkdnet.qnode.keystore.AssignmentEntry;
import org.qkdnet.qnode.keystore.LinkSupply;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StoreProbe;
import org.qkdnet.qnode.keystore.StreamId;

/**
 * The two ends of one link (AAA assigns, BBB applies) over real key stores, with an in-memory
 * transport between their key supplies that can lose requests or answers on demand.
 */
final class SupplyPair implements AutoCloseable {
  static final String A = "AAA";
  static final String B = "BBB";

  final Path dir;
  StationKeyStore a;
  StationKeyStore b;
  DirectionSupply supplyA;
  DirectionSupply supplyB;
  /** Calls still to lose before the peer sees them (request lost: nothing happens there). */
  final AtomicInteger dropRequests = new AtomicInteger();
  /** Calls still whose answer is lost (the peer acted, the caller never hears). */
  final AtomicInteger dropAnswers = new AtomicInteger();
  /** The clock both ends measure their links' rate of use by: tests move it. */
  final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
  private final long target;

  SupplyPair(Path dir, long target) {
    this.dir = dir;
    this.target = target;
    open();
  }

  void open() {
    a = StationKeyStore.open(dir.resolve("a"), A, TestKek.kek());
    b = StationKeyStore.open(dir.resolve("b"), B, TestKek.kek());
    supplyA = new DirectionSupply(A, B, a, transport(() -> supplyB), target, 5_000, nanos::get);
    supplyB = new DirectionSupply(B, A, b, transport(() -> supplyA), target, 5_000, nanos::get);
  }

  /** Both ends append the same frame (the way the frame synchronisation leaves them). */
  void frame(long id, int bytes, long seed) {
    byte[] f = new byte[bytes];
    new Random(seed).nextBytes(f);
    try (KeyMaterial k1 = KeyMaterial.wrap(f.clone()); KeyMaterial k2 = KeyMaterial.wrap(f)) {
      a.appendFrame(B, id, k1);
      b.appendFrame(A, id, k2);
    }
  }

  private AssignmentTransport transport(java.util.function.Supplier<DirectionSupply> peer) {
    return new AssignmentTransport() {
      @Override
      public CompletionStage<Grant> requestKey(String assigner, long want, long need, long nextSeq, long linkBytes) {
        return call(() -> peer.get().onRequest(want, need, nextSeq, linkBytes));
      }

      @Override
      public CompletionStage<ApplyResult> applyAssignments(String p, List<AssignmentEntry> entries) {
        return call(() -> peer.get().onPush(entries));
      }
    };
  }

  private <T> CompletionStage<T> call(java.util.function.Supplier<T> remote) {
    if (dropRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("request lost"));
    }
    T answer;
    try {
      answer = remote.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (dropAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("answer lost"));
    }
    return CompletableFuture.completedFuture(answer);
  }

  /** Sends {@code bytes} of pad from one end to the other; true if both ends read the same bytes. */
  boolean use(String from, int bytes) {
    StationKeyStore sender = from.equals(A) ? a : b;
    StationKeyStore receiver = from.equals(A) ? b : a;
    String to = from.equals(A) ? B : A;
    org.qkdnet.qnode.keystore.PadReservation r = sender.reserve(to, bytes, "r-" + System.nanoTime());
    try (KeyMaterial sent = sender.padBytes(r);
        KeyMaterial got = receiver.acceptIncoming(from, r.offset(), bytes, r.relayId())) {
      sender.markUsed(r);
      return sent.contentEquals(got);
    }
  }

  /**
   * I1 for the assignment: at each end every link byte is in exactly one place (unassigned,
   * pending toward the peer, or one direction), and each direction's stream holds the same bytes
   * at both ends as far as both have it.
   */
  void checkAgree() {
    for (StationKeyStore s : List.of(a, b)) {
      String peer = s == a ? B : A;
      LinkSupply sup = s.supply(peer);
      long send = s.ledger(new StreamId(s.selfStationId(), peer)).generated();
      long recv = s.ledger(new StreamId(peer, s.selfStationId())).generated();
      if (send + recv + sup.pendingSend() + sup.unassigned() != sup.linkBytes()) {
        throw new AssertionError(s.selfStationId() + ": send " + send + " + receive " + recv + " + pending "
            + sup.pendingSend() + " + unassigned " + sup.unassigned() + " != link bytes " + sup.linkBytes());
      }
    }
    // A->B: A's send stream (confirmed) must be a prefix of B's receive stream; B->A the other way
    sameBytes(a, b, new StreamId(A, B));
    sameBytes(b, a, new StreamId(B, A));
  }

  private static void sameBytes(StationKeyStore sender, StationKeyStore receiver, StreamId s) {
    long n = Math.min(sender.ledger(s).generated(), receiver.ledger(s).generated());
    if (sender.ledger(s).generated() > receiver.ledger(s).generated()) {
      throw new AssertionError("sender " + s.from() + " may use " + sender.ledger(s).generated() + " bytes of " + s
          + " but the receiver holds only " + receiver.ledger(s).generated());
    }
    if (n == 0) {
      return;
    }
    String id = "check-" + s;
    // compare what both ends still hold (pad consumed at either end is deleted there)
    long fromSender = StoreProbe.storedFrom(sender, s);
    long fromReceiver = StoreProbe.storedFrom(receiver, s);
    long from = Math.max(fromSender, fromReceiver);
    if (fromSender < 0 || fromReceiver < 0 || from >= n) {
      return;
    }
    try (KeyMaterial x = StoreProbe.bytes(sender, s, from, n - from);
        KeyMaterial y = StoreProbe.bytes(receiver, s, from, n - from)) {
      if (!x.contentEquals(y)) {
        throw new AssertionError("the ends hold different bytes for " + s + " (" + id + ")");
      }
    }
  }

  @Override
  public void close() {
    a.close();
    b.close();
  }
}
