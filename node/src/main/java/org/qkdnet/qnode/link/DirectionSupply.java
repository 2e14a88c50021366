package org.qkdnet.qnode.link;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.qkdnet.qnode.keystore.ApplyResult;
import org.qkdnet.qnode.keystore.AssignmentConflictException;
import org.qkdnet.qnode.keystore.AssignmentEntry;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.LinkSupply;
import org.qkdnet.qnode.keystore.StationKeyStore;
import org.qkdnet.qnode.keystore.StreamId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key supply on demand for one end of a link (docs/key-supply.md): fresh key is given to a
 * direction only when that direction needs it, so a one-directional workload can use the link's
 * whole rate.
 *
 * <p>The link's lower station id is the assigner: it alone creates assignment entries (durably,
 * numbered), so no byte can ever be given to both directions. For its own direction it creates an
 * entry, hands it to the peer, and may use the bytes once the peer confirms it applied the entry.
 * The other end asks the assigner for key toward itself and applies the entries it gets back
 * (durably) before it uses them. Every step is idempotent: a lost answer or a crash of either end
 * at any point is repaired by the next exchange.
 *
 * <p>One exchange per link end at a time; callers that need more key than it brought start the
 * next. Thread-safe.
 */
public final class DirectionSupply {
  private static final Logger log = LoggerFactory.getLogger(DirectionSupply.class);
  /** Entries per message: bounds its size (about 40 bytes each). */
  public static final int MAX_ENTRIES_PER_MESSAGE = 256;

  private final String self;
  private final String peer;
  private final StationKeyStore store;
  private final AssignmentTransport transport;
  private final long targetBytes;
  private final long timeoutMillis;
  /** Assigner: the peer's link bytes as last reported (only key both ends hold is assigned). */
  private volatile long peerLinkBytes;
  private CompletableFuture<Void> current; // guarded by this
  private volatile String lastProblem = "";
  /** As last seen by {@link #maintain}. */
  private volatile boolean shortOfKey;
  private volatile double keyUse;
  private final KeyDemand demand = new KeyDemand(); // guarded by itself
  /** The load a failure elsewhere may move onto this link, in B/s ({@link #reserveFor}). */
  private volatile java.util.function.DoubleSupplier reserve = () -> 0;
  private final java.util.function.LongSupplier nanoClock;

  /**
   * @param targetBytes how much key this end keeps assigned to its sending direction ahead of need
   *     (when the unassigned key allows); an exchange asks for up to this much
   * @param timeoutMillis bound of one exchange
   */
  public DirectionSupply(String self, String peer, StationKeyStore store, AssignmentTransport transport,
      long targetBytes, long timeoutMillis) {
    this(self, peer, store, transport, targetBytes, timeoutMillis, System::nanoTime);
  }

  /** As above, with the monotonic clock the rate of use is measured by ({@code System::nanoTime}). */
  public DirectionSupply(String self, String peer, StationKeyStore store, AssignmentTransport transport,
      long targetBytes, long timeoutMillis, java.util.function.LongSupplier nanoClock) {
    if (targetBytes < 1 || timeoutMillis < 1) {
      throw new IllegalArgumentException("target bytes and timeout must be positive");
    }
    this.self = self;
    this.peer = peer;
    this.store = store;
    this.transport = transport;
    this.targetBytes = targetBytes;
    this.timeoutMillis = timeoutMillis;
    this.nanoClock = java.util.Objects.requireNonNull(nanoClock, "nanoClock");
  }

  public String peer() {
    return peer;
  }

  /**
   * Whether this link is short of key: what this end holds for it would last less than {@value
   * KeyDemand#HORIZON_SECONDS} s at its recent rate of use ({@link KeyDemand}), as the last
   * {@link #maintain} saw it. Its post-processing then runs at the urgent priority ({@link
   * PostProcessingUrgency}).
   */
  public boolean shortOfKey() {
    return shortOfKey;
  }

  /**
   * Sets where the reserve rate comes from: the bytes per second a failure elsewhere may move onto
   * this link, which it keeps key for on top of its own use ({@link KeyDemand}); its station gives
   * the rate of use of its busiest other link ({@link PostProcessingUrgency#register}).
   */
  public void reserveFor(java.util.function.DoubleSupplier bytesPerSecond) {
    reserve = java.util.Objects.requireNonNull(bytesPerSecond, "bytesPerSecond");
  }

  /**
   * Bytes per second of this link's key used in both directions plus what callers lacked, as a
   * moving average ({@link KeyDemand}), as of the last supply round.
   */
  public double keyUseBytesPerSecond() {
    return keyUse;
  }

  public boolean isAssigner() {
    return self.compareTo(peer) < 0;
  }

  /** Why the last exchange failed, or empty; for logs and operators. */
  public String lastProblem() {
    return lastProblem;
  }

  private long available() {
    return store.availableToSend(peer);
  }

  /**
   * Completes with true once at least {@code bytes} of pad toward the peer can be reserved, after
   * at most two exchanges; false when the link has no such key (or the peer did not answer).
   * Never completes exceptionally.
   */
  public CompletionStage<Boolean> ensure(int bytes) {
    if (bytes <= 0 || available() >= bytes) {
      return CompletableFuture.completedFuture(true);
    }
    return exchange(Math.max(bytes, targetBytes), bytes - available())
        .thenCompose(x -> {
          long lack = bytes - available();
          return lack <= 0 ? CompletableFuture.completedFuture(null) : exchange(Math.max(bytes, targetBytes), lack);
        })
        .handle((x, e) -> {
          long lack = bytes - available();
          lacked(lack);
          return lack <= 0;
        });
  }

  /**
   * Keeps the sending direction topped up (called on a timer and after pad was consumed): starts
   * an exchange when less than half the target is available and key can be had, or when entries
   * of this assigner wait for the peer's confirmation. Returns at once.
   */
  public void maintain() {
    try {
      LinkSupply s = store.supply(peer);
      long avail = available();
      observeDemand();
      boolean unconfirmed = s.assigner() && s.peerNextSeq() < s.nextSeq();
      if (avail < targetBytes / 2 && s.unassigned() > 0) {
        exchange(targetBytes - avail, 0);
      } else if (unconfirmed) {
        exchange(0, 0); // only hand over what the peer has not confirmed
      }
    } catch (RuntimeException e) {
      lastProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
      log.warn("key supply of link {}-{}: {}", self, peer, lastProblem);
    }
  }

  /** Updates the link's rate of use and whether it is short of key ({@link KeyDemand}). */
  private void observeDemand() {
    synchronized (demand) {
      long now = nanoClock.getAsLong();
      if (!demand.due(now)) {
        return;
      }
      Ledger out = store.ledger(new StreamId(self, peer));
      Ledger in = store.ledger(new StreamId(peer, self));
      long consumed = out.generated() - out.available() + in.generated() - in.available();
      long stored = store.storedBytes(peer);
      boolean was = shortOfKey;
      double reserveRate = reserve.getAsDouble();
      shortOfKey = demand.update(now, consumed, stored, reserveRate);
      keyUse = demand.bytesPerSecond();
      if (shortOfKey != was) {
        log.info("link {}-{}: {} ({} bytes held, used at {} B/s, reserve for {} B/s more): its post-processing"
                + " runs on the {} tier", self, peer, shortOfKey ? "short of key" : "has key", stored,
            Math.round(demand.bytesPerSecond()), Math.round(reserveRate), shortOfKey ? "urgent" : "background");
      }
    }
  }

  private void lacked(long bytes) {
    synchronized (demand) {
      demand.lacked(bytes);
    }
  }

  /**
   * Joins the exchange in flight or starts one; completes (maybe exceptionally) when it ends.
   *
   * @param want bytes to ask for toward the peer
   * @param need of those, what a caller waiting now lacks (0: keeping ahead of need)
   */
  private synchronized CompletableFuture<Void> exchange(long want, long need) {
    if (current != null && !current.isDone()) {
      return current;
    }
    CompletableFuture<Void> run;
    try {
      run = (isAssigner() ? assignOwn(want, need) : askAssigner(want, need)).toCompletableFuture();
    } catch (RuntimeException e) {
      run = CompletableFuture.failedFuture(e);
    }
    current = run.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((x, e) -> {
      if (e != null) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        lastProblem = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
        if (c instanceof AssignmentConflictException) {
          log.error("ALARM link {}-{}: the ends disagree about key assignment: {}", self, peer, c.getMessage());
        } else {
          log.debug("key supply exchange of link {}-{} failed: {}", self, peer, lastProblem);
        }
      } else {
        lastProblem = "";
      }
    });
    return current;
  }

  // ---- the assigner's side --------------------------------------------------------------------

  /** Assigner: unassigned key both ends hold (as far as this end knows the peer's). */
  private long assignable() {
    LinkSupply s = store.supply(peer);
    long assignedUpTo = s.linkBytes() - s.unassigned();
    return Math.max(0, Math.min(s.linkBytes(), peerLinkBytes) - assignedUpTo);
  }

  /** Assigner: key the peer may still send to this end (its direction's unused assigned bytes). */
  private long receiveLevel() {
    return store.ledger(new StreamId(peer, self)).available();
  }

  /**
   * How much one exchange may assign to a direction. A caller waiting now for key in this
   * direction ({@code need > 0}: a relay or an ETSI 014 request) gets what it wants, as far as the
   * key goes: demand comes first. Keeping ahead of need ({@code need == 0}) gets what it wants too,
   * unless the other direction is short as well (below half its target, so it is asking or about
   * to); then only the part that evens out the two directions' levels: half of the key both hold,
   * plus half of what the other direction holds more than this one (none if this one holds more by
   * the whole key).
   *
   * <p>Key lands in blocks of a few to tens of kilobytes. Without a split of the background
   * top-ups, whichever end's timer asked first after a block took it whole and the other direction
   * could stay empty for minutes (seen: six 1-2 KiB blocks in a row to one direction of a
   * 4 %-QBER link; before December 2026 every grant had a floor of 8 KiB, which made every block
   * below 16 KiB whole). Splitting a waiting caller's grant as well, tried next, halved the rate of
   * a direction with traffic in favour of an idle one until the idle one reached half its target:
   * after a relay station failed, the surviving route's busy direction ran dry within seconds
   * (FailoverRingTest). One-directional traffic gets the link's whole rate.
   *
   * @param want bytes the direction asks for
   * @param need of those, what a caller waiting now lacks (0 when only keeping ahead of need)
   * @param assignable unassigned key both ends hold
   * @param level what the asking direction holds now (assigned, unused)
   * @param otherLevel what the opposite direction holds now
   * @param target the level each direction keeps ahead of need
   */
  static long fairShare(long want, long need, long assignable, long level, long otherLevel, long target) {
    if (want <= 0 || assignable <= 0) {
      return 0;
    }
    if (need > 0 || otherLevel >= target / 2) {
      return Math.min(want, assignable);
    }
    long even = Math.max(0, Math.min(assignable, (assignable + otherLevel - level + 1) / 2));
    return Math.min(want, even);
  }

  /**
   * Assigner: a new entry toward the peer of up to {@code want} bytes (none for 0, if key allows),
   * then every unconfirmed entry to the peer.
   */
  private CompletionStage<Void> assignOwn(long want, long need) {
    LinkSupply s = store.supply(peer);
    if (want <= 0 || s.pendingSend() > 0) {
      // bytes already on their way to the peer come first: a lost answer must not grant twice
      return push();
    }
    long assignedUpTo = s.linkBytes() - s.unassigned();
    CompletionStage<Void> known = peerLinkBytes > assignedUpTo
        ? CompletableFuture.completedFuture(null)
        : push(); // learn how much key the peer holds before assigning any
    return known.thenCompose(x -> {
      // toward the peer: usable here once the peer confirms it applied the entry
      long assignable = assignable();
      long level = available();
      long other = receiveLevel();
      long grant = fairShare(want, need, assignable, level, other, targetBytes);
      if (grant > 0) {
        store.assign(peer, peer, (int) Math.min(Integer.MAX_VALUE, grant), peerLinkBytes);
        log.debug("link {}-{}: {} bytes assigned toward {} (wanted {}, needed {}, assignable {}, levels {}/{})",
            self, peer, grant, peer, want, need, assignable, level, other);
      }
      return push();
    });
  }

  /** Assigner: hands the peer every entry it has not confirmed (possibly none) and records its answer. */
  private CompletionStage<Void> push() {
    LinkSupply s = store.supply(peer);
    List<AssignmentEntry> entries = s.peerNextSeq() < s.nextSeq()
        ? store.assignmentsFrom(peer, s.peerNextSeq(), MAX_ENTRIES_PER_MESSAGE) : List.of();
    return transport.applyAssignments(peer, entries).thenAccept(r -> {
      peerLinkBytes = r.linkBytes();
      store.confirmAssignments(peer, r.nextSeq());
      if (!r.stopped().isEmpty()) {
        lastProblem = r.stopped();
      }
    });
  }

  /**
   * Assigner, serving the peer's request: records what the peer applied, assigns up to {@code
   * wantBytes} toward it from key both hold ({@link #fairShare}, with {@code needBytes} as what a
   * caller waiting at the peer lacks), and returns every entry from the peer's next seq.
   *
   * @throws AssignmentConflictException if the peer claims entries this end never created
   */
  public AssignmentTransport.Grant onRequest(long wantBytes, long needBytes, long peerNextSeq, long linkBytesOfPeer) {
    if (!isAssigner()) {
      throw new IllegalStateException(peer + " assigns the key of link " + self + "-" + peer + ", not " + self);
    }
    // A request may report an older next seq than this end already saw confirmed: it was sent
    // while a push of ours was being applied (the two exchanges cross). Not a sign of a rollback
    // (that is for link epochs to tell): the entries from there on are resent, and the peer skips
    // those it holds after checking they are identical.
    store.confirmAssignments(peer, peerNextSeq);
    peerLinkBytes = linkBytesOfPeer;
    List<AssignmentEntry> unapplied = store.assignmentsFrom(peer, peerNextSeq, MAX_ENTRIES_PER_MESSAGE);
    // a grant the peer has not applied yet is still on its way (its answer was lost): resend it
    // rather than grant again, so a retried request never assigns twice
    long known = Math.max(peerNextSeq, store.supply(peer).peerNextSeq());
    boolean outstanding = unapplied.stream().anyMatch(e -> e.seq() >= known && e.toStation().equals(self));
    long assignable = assignable();
    long level = receiveLevel();
    long other = available();
    long grant = wantBytes > 0 && !outstanding ? fairShare(wantBytes, needBytes, assignable, level, other, targetBytes) : 0;
    lacked(needBytes - grant); // the peer's callers wait for more than the link had
    if (grant > 0) {
      // toward this station: the peer sends on it, after it applied the entry
      store.assign(peer, self, (int) Math.min(Integer.MAX_VALUE, grant), linkBytesOfPeer);
      log.debug("link {}-{}: {} bytes assigned toward {} (asked {}, needed {}, assignable {}, levels {}/{})",
          self, peer, grant, self, wantBytes, needBytes, assignable, level, other);
      unapplied = store.assignmentsFrom(peer, peerNextSeq, MAX_ENTRIES_PER_MESSAGE);
    }
    return new AssignmentTransport.Grant(unapplied, store.supply(peer).linkBytes());
  }

  // ---- the other end's side -------------------------------------------------------------------

  /** Non-assigner: asks for key toward itself and applies what comes back. */
  private CompletionStage<Void> askAssigner(long want, long need) {
    LinkSupply s = store.supply(peer);
    return transport.requestKey(peer, want, need, s.nextSeq(), s.linkBytes()).thenAccept(g -> {
      ApplyResult r = store.applyAssignments(peer, g.entries());
      if (!r.stopped().isEmpty()) {
        lastProblem = r.stopped();
      }
    });
  }

  /** Non-assigner, serving the assigner's push: applies the entries (durably) and reports its state. */
  public ApplyResult onPush(List<AssignmentEntry> entries) {
    if (isAssigner()) {
      throw new IllegalStateException(self + " assigns the key of link " + self + "-" + peer + "; it applies none");
    }
    try {
      return store.applyAssignments(peer, entries);
    } catch (AssignmentConflictException e) {
      log.error("ALARM link {}-{}: refused the assigner's entries: {}", self, peer, e.getMessage());
      throw e;
    }
  }
}
