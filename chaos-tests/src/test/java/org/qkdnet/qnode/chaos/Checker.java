package org.qkdnet.qnode.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.qkdnet.qnode.keystore.DeliverableInfo;
import org.qkdnet.qnode.keystore.Ledger;
import org.qkdnet.qnode.keystore.LinkRanges;
import org.qkdnet.qnode.keystore.LinkRanges.Mark;
import org.qkdnet.qnode.keystore.LinkRanges.Range;
import org.qkdnet.qnode.keystore.StreamId;

/**
 * Checks one scenario's history, the stations' stores after it (and before it) and the log scan
 * against the invariants of DESIGN.md §8. Pure: no processes, no files.
 *
 * <p>What counts (precisely):
 * <ul>
 *   <li><b>relay ok</b>: {@code enc_keys} answered a key and the slave's {@code dec_keys} answered
 *       the identical SHA-256 for that key_ID.
 *   <li><b>I1</b>: no key value under two key_IDs, no key_ID handed to masters twice; per link
 *       direction, the sender's reservations are disjoint, and every range the receiver accepted
 *       is covered by ranges the sender recorded USED or BURNED.
 *   <li><b>I2</b>: every key a master got is fetched by its slave exactly once, identical; the
 *       workload retries a failed fetch until it succeeds, through the faults and for a drain
 *       period after the last one healed, so a master key never fetched by then is a violation
 *       (lost if it is not stored at the destination either, undelivered if it still is). A key
 *       stored at the destination that no master got (the origin failed after the destination
 *       stored it) is not a violation: no SAE knows its key_ID and it expires; it is counted as an
 *       orphan (in the scenario that left it).
 *   <li><b>I3</b>: every ledger balances; what the sender recorded USED was accepted (USED or
 *       BURNED) by the receiver.
 *   <li><b>I4</b>: comparing the stores before and after the scenario's restarts: no counter of
 *       consumed pad shrinks, every consumed range stays consumed, and no key ever fetched is
 *       waiting again, with one exception, the fetch's crash window: ETSI 014 has no
 *       acknowledgement from the SAE, so a station deletes a fetched key once its answer went out;
 *       if the station ends abnormally (killed, halted, failed closed) before that delete, the key
 *       is its slave's again after the restart (never lost, never anyone else's). A fetched key
 *       waiting again, or fetched a second time, is therefore no violation when the slave's
 *       station ended abnormally within {@link #CRASH_WINDOW_MS} after the (first) fetch; such
 *       keys are counted ({@link Result#cameBack}), once.
 *   <li><b>I5</b>: no key's hex or Base64 encoding in any log.
 *   <li><b>liveness</b>: after the last fault healed, every pair gets a relay ok within the bound.
 * </ul>
 */
final class Checker {
  /** A scenario's inputs. {@code before} may be empty (fresh stores). */
  record Input(List<History.Op> ops, Map<String, String> saeStation, List<ChaosNetwork.Link> links,
      Map<String, StationState> after, Map<String, StationState> before, Set<String> fetchedEarlier,
      Map<String, List<String>> leaks, long lastHealMs, long livenessBoundMs, List<String> pairs,
      Map<String, List<Long>> abnormalEndsMs, Set<String> cameBackEarlier) {}

  /**
   * What the checker found, and the counts the report shows; {@code cameBack}: keys fetched in a
   * station's crash window that were its slave's again after the restart (see I4).
   */
  record Result(List<Violation> violations, int relaysOk, int relaysFailed, int orphans,
      Map<String, Long> recoveryMs, Set<String> cameBack) {}

  /**
   * The fetch's crash window: from a dec_keys answer's arrival at the client to the station's
   * abnormal end (seen by the harness when the process is gone; a station failing closed first
   * leaves the cluster) within which the fetched key may be its slave's again after the restart.
   */
  static final long CRASH_WINDOW_MS = 5_000;

  private Checker() {}

  static Result check(Input in) {
    List<Violation> v = new ArrayList<>();
    Map<String, History.Op> enc = new LinkedHashMap<>();
    Set<String> cameBack = new TreeSet<>();
    int[] counts = history(in, enc, v, cameBack);
    int orphans = deliverables(in, enc, v, cameBack);
    for (ChaosNetwork.Link l : in.links()) {
      link(in.after(), l.a(), l.b(), v);
      link(in.after(), l.b(), l.a(), v);
    }
    for (StationState s : in.after().values()) {
      StationState b = in.before().get(s.station());
      if (b != null) {
        noRollback(b, s, v);
      }
    }
    in.leaks().forEach((log, ids) -> ids.forEach(id -> v.add(new Violation("I5", id, List.of(stationOfLog(log)),
        "key bytes (hex or Base64) of key_ID " + id + " in log " + log))));
    Map<String, Long> recovery = liveness(in, enc, v);
    return new Result(v, counts[0], counts[1], orphans, recovery, cameBack);
  }

  /**
   * Whether {@code station} ended abnormally within {@link #CRASH_WINDOW_MS} after {@code fetchEnd}
   * (and before {@code before}, when the key was fetched again); from 50 ms before it, as the last
   * bytes of an answer may reach the client after its sender died.
   */
  private static boolean crashedSoonAfter(Input in, String station, long fetchEnd, long before) {
    return in.abnormalEndsMs().getOrDefault(station, List.of()).stream()
        .anyMatch(e -> e >= fetchEnd - 50 && e <= fetchEnd + CRASH_WINDOW_MS && e < before);
  }

  /** I1 and I2 over the history; fills {@code enc} (key_ID to the master's answer). */
  private static int[] history(Input in, Map<String, History.Op> enc, List<Violation> v, Set<String> cameBack) {
    Map<String, List<History.Op>> fetches = new HashMap<>();
    Set<String> unanswered = new java.util.HashSet<>();
    Map<String, List<String>> bySha = new LinkedHashMap<>();
    int encFailed = 0;
    for (History.Op o : in.ops()) {
      if (o.kind() == History.Kind.ENC) {
        if (!o.ok()) {
          encFailed++;
          continue;
        }
        if (enc.putIfAbsent(o.keyId(), o) != null) {
          v.add(new Violation("I1", o.keyId(), stations(in, o), "key_ID handed to a master twice"));
        }
        bySha.computeIfAbsent(o.sha256(), x -> new ArrayList<>()).add(o.keyId());
      } else if (o.ok()) {
        fetches.computeIfAbsent(o.keyId(), x -> new ArrayList<>()).add(o);
      } else if (o.status() == History.NO_ANSWER) {
        unanswered.add(o.keyId());
      }
    }
    bySha.forEach((sha, ids) -> {
      if (new TreeSet<>(ids).size() > 1) {
        v.add(new Violation("I1", String.join(",", new TreeSet<>(ids)), stations(in, enc.get(ids.get(0))),
            "the same key value was handed out under " + new TreeSet<>(ids).size() + " key_IDs"));
      }
    });
    int ok = 0;
    int undelivered = 0;
    for (History.Op e : enc.values()) {
      List<History.Op> f = fetches.getOrDefault(e.keyId(), List.of());
      if (f.isEmpty()) {
        undelivered++;
        String dest = in.saeStation().get(e.slave());
        StationState d = in.after().get(dest);
        boolean stored = d != null && d.deliverables().stream().anyMatch(k -> k.keyId().equals(e.keyId()));
        v.add(new Violation("I2", e.keyId(), stations(in, e), "the master got the key (" + e.pair() + " at "
            + e.endMs() + " ms) but the slave never fetched it: " + (stored ? "still stored at " + dest
                + " after the drain (undelivered)" : "not stored at " + dest + " (lost)"
                + (unanswered.contains(e.keyId()) ? "; a fetch of it got no answer (taken by a station that"
                    + " died before answering?)" : ""))));
        continue;
      }
      if (f.size() == 2 && crashedSoonAfter(in, in.saeStation().get(e.slave()), f.get(0).endMs(), f.get(1).startMs())) {
        cameBack.add(e.keyId()); // fetched again after its station's crash window (see I4)
      } else if (f.size() > 1) {
        v.add(new Violation("I2", e.keyId(), stations(in, e), "the slave fetched the key " + f.size()
            + " times (at " + f.stream().map(x -> x.endMs() + " ms").toList() + ")"));
      }
      if (f.stream().anyMatch(x -> !e.sha256().equals(x.sha256()))) {
        v.add(new Violation("I2", e.keyId(), stations(in, e), "the slave's key differs from the master's"));
      } else {
        ok++;
      }
    }
    fetches.forEach((id, f) -> {
      if (!enc.containsKey(id)) {
        v.add(new Violation("I2", id, stations(in, f.get(0)), "the slave fetched a key no master got"));
      }
    });
    return new int[] {ok, encFailed + undelivered};
  }

  /** Keys waiting at the stations: none fetched before; those no master got are orphans. */
  private static int deliverables(Input in, Map<String, History.Op> enc, List<Violation> v, Set<String> cameBack) {
    Set<String> fetched = new java.util.HashSet<>(in.fetchedEarlier());
    Map<String, Long> lastFetchEnd = new HashMap<>();
    for (History.Op o : in.ops()) {
      if (o.kind() != History.Kind.ENC && o.ok()) {
        fetched.add(o.keyId());
        lastFetchEnd.merge(o.keyId(), o.endMs(), Math::max);
      }
    }
    int orphans = 0;
    for (StationState s : in.after().values()) {
      for (DeliverableInfo k : s.deliverables()) {
        if (in.cameBackEarlier().contains(k.keyId())) {
          continue; // judged (and counted) in the scenario whose crash window brought it back
        }
        Long at = lastFetchEnd.get(k.keyId());
        if (at != null && crashedSoonAfter(in, s.station(), at, Long.MAX_VALUE)) {
          cameBack.add(k.keyId());
        } else if (fetched.contains(k.keyId())) {
          v.add(new Violation("I4", k.keyId(), List.of(s.station()),
              "a key the slave " + k.slaveSae() + " already fetched is waiting again at " + s.station()));
        } else if (!enc.containsKey(k.keyId()) && !waitingBefore(in, s.station(), k.keyId())) {
          orphans++; // new in this scenario (an orphan stays until its TTL: counted once)
        }
      }
    }
    return orphans;
  }

  private static boolean waitingBefore(Input in, String station, String keyId) {
    StationState b = in.before().get(station);
    return b != null && b.deliverables().stream().anyMatch(k -> k.keyId().equals(keyId));
  }

  /** I1 and I3 for the stream {@code from>to}, from both ends' stores. */
  static void link(Map<String, StationState> after, String from, String to, List<Violation> v) {
    StationState s = after.get(from);
    StationState r = after.get(to);
    if (s == null || r == null) {
      return;
    }
    String stream = from + ">" + to;
    List<String> both = List.of(from, to);
    for (StationState end : List.of(s, r)) {
      Ledger l = end.ledgers().get(new StreamId(from, to));
      if (l != null && !l.balances()) {
        v.add(new Violation("I3", stream, List.of(end.station()), "the ledger at " + end.station()
            + " does not balance: " + l));
      }
    }
    LinkRanges sent = s.ranges().get(to);
    LinkRanges recv = r.ranges().get(from);
    if (sent == null || recv == null) {
      return;
    }
    List<Range> reservations = new ArrayList<>(sent.sent());
    reservations.sort(Comparator.comparingLong(Range::start));
    for (int i = 1; i < reservations.size(); i++) {
      Range a = reservations.get(i - 1);
      Range b = reservations.get(i);
      if (b.start() < a.end()) {
        v.add(new Violation("I1", stream + " [" + b.start() + ", " + Math.min(a.end(), b.end()) + ")", List.of(from),
            from + " handed out this pad range twice (reservations " + a + " and " + b + ")"));
      }
    }
    List<long[]> senderConsumed = merged(reservations.stream().filter(x -> x.mark() != Mark.RESERVED).toList());
    for (Range run : recv.received()) {
      if (run.mark() == Mark.USED && !covers(senderConsumed, run.start(), run.end())) {
        v.add(new Violation("I1", stream + " [" + run.start() + ", " + run.end() + ")", both, to
            + " accepted pad that " + from + " never recorded used or burned (sender cursor " + sent.sendCursor()
            + ")"));
      }
    }
    if (recv.recvWatermark() > sent.sendCursor()) {
      v.add(new Violation("I1", stream + " [" + sent.sendCursor() + ", " + recv.recvWatermark() + ")", both, to
          + " settled pad beyond what " + from + " ever handed out"));
    }
    List<Range> recvRuns = new ArrayList<>(recv.received());
    recvRuns.add(new Range(0, recv.recvWatermark(), Mark.USED));
    List<long[]> receiverConsumed = merged(recvRuns);
    for (Range res : reservations) {
      if (res.mark() == Mark.USED && !covers(receiverConsumed, res.start(), res.end())) {
        v.add(new Violation("I3", stream + " [" + res.start() + ", " + res.end() + ")", both, from
            + " recorded this pad used but " + to + " never accepted it"));
      }
    }
  }

  /** I4: from {@code b} (before) to {@code a} (after), nothing consumed comes back. */
  static void noRollback(StationState b, StationState a, List<Violation> v) {
    String at = a.station();
    b.ledgers().forEach((stream, lb) -> {
      Ledger la = a.ledgers().get(stream);
      if (la == null) {
        return;
      }
      if (la.used() < lb.used() || la.burned() < lb.burned() || la.used() + la.burned() < lb.used() + lb.burned()
          || la.generated() < lb.generated()) {
        v.add(new Violation("I4", stream.from() + ">" + stream.to(), List.of(at), "the ledger at " + at
            + " went back across restarts: before " + lb + ", after " + la));
      }
    });
    b.ranges().forEach((peer, rb) -> {
      LinkRanges ra = a.ranges().get(peer);
      if (ra == null) {
        return;
      }
      String send = at + ">" + peer;
      List<long[]> nowConsumed = merged(ra.sent().stream().filter(x -> x.mark() != Mark.RESERVED).toList());
      for (Range r : rb.sent()) {
        if (r.mark() != Mark.RESERVED && !covers(nowConsumed, r.start(), r.end())) {
          v.add(new Violation("I4", send + " [" + r.start() + ", " + r.end() + ")", List.of(at),
              "pad " + at + " had recorded " + r.mark() + " is no longer consumed after restart"));
        }
      }
      if (ra.sendCursor() < rb.sendCursor()) {
        v.add(new Violation("I4", send + " [" + ra.sendCursor() + ", " + rb.sendCursor() + ")", List.of(at),
            "the send cursor of " + at + " went back across restarts"));
      }
      List<Range> after = new ArrayList<>(ra.received());
      after.add(new Range(0, ra.recvWatermark(), Mark.USED));
      List<long[]> recvNow = merged(after);
      List<Range> before = new ArrayList<>(rb.received());
      before.add(new Range(0, rb.recvWatermark(), Mark.USED));
      for (Range r : before) {
        if (r.length() > 0 && !covers(recvNow, r.start(), r.end())) {
          v.add(new Violation("I4", peer + ">" + at + " [" + r.start() + ", " + r.end() + ")", List.of(at),
              "pad " + at + " had accepted or burned is acceptable again after restart"));
        }
      }
    });
  }

  /** Per pair, ms from the last heal to its first relay ok started after it; a violation beyond the bound. */
  private static Map<String, Long> liveness(Input in, Map<String, History.Op> enc, List<Violation> v) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (in.lastHealMs() < 0) {
      return out;
    }
    Map<String, Long> firstOk = new HashMap<>();
    for (History.Op o : in.ops()) {
      if (o.kind() == History.Kind.DEC && o.ok()) {
        History.Op e = enc.get(o.keyId());
        if (e != null && e.startMs() >= in.lastHealMs() && e.sha256().equals(o.sha256())) {
          firstOk.merge(e.pair(), o.endMs() - in.lastHealMs(), Math::min);
        }
      }
    }
    for (String pair : in.pairs()) {
      Long ms = firstOk.get(pair);
      out.put(pair, ms == null ? -1 : ms);
      if (ms == null || ms > in.livenessBoundMs()) {
        String[] sae = pair.split(">");
        v.add(new Violation("liveness", pair, List.of(in.saeStation().getOrDefault(sae[0], "?"),
            in.saeStation().getOrDefault(sae[1], "?")), ms == null ? "no key delivered after the last fault healed"
                : "first key " + ms + " ms after the last fault healed (bound " + in.livenessBoundMs() + " ms)"));
      }
    }
    return out;
  }

  private static List<String> stations(Input in, History.Op o) {
    return List.of(in.saeStation().getOrDefault(o.master(), "?"), in.saeStation().getOrDefault(o.slave(), "?"));
  }

  private static String stationOfLog(String log) {
    String name = java.nio.file.Path.of(log).getFileName().toString();
    int dash = name.indexOf('-');
    return dash > 0 ? name.substring(0, dash) : name;
  }

  /** Sorted, merged [start, end) intervals. */
  static List<long[]> merged(List<Range> ranges) {
    List<Range> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(Range::start));
    List<long[]> out = new ArrayList<>();
    for (Range r : sorted) {
      if (r.length() <= 0) {
        continue;
      }
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r.start() <= last[1]) {
        last[1] = Math.max(last[1], r.end());
      } else {
        out.add(new long[] {r.start(), r.end()});
      }
    }
    return out;
  }

  static boolean covers(List<long[]> merged, long s, long e) {
    for (long[] m : merged) {
      if (m[0] <= s && e <= m[1]) {
        return true;
      }
      if (m[0] > s) {
        return false;
      }
    }
    return false;
  }
}
