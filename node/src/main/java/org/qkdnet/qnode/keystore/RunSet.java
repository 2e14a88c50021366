package org.qkdnet.qnode.keystore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The consumed part of a receiving stream: a low watermark (everything below is settled) and
 * disjoint runs above it, each wholly USED or BURNED, adjacent runs of the same mark merged.
 *
 * <p>Pure logic: every mutation is first planned as a {@link Change} (which the store writes,
 * synced), then applied. Relays arrive out of order, so gaps between runs are normal; in-order
 * traffic keeps a single growing run.
 */
final class RunSet {
  enum Mark {
    USED,
    BURNED
  }

  record Run(long start, long end, Mark mark) {
    long length() {
      return end - start;
    }

    byte[] encodeValue() {
      return ByteBuffer.allocate(Long.BYTES + 1).putLong(end).put((byte) mark.ordinal()).array();
    }

    static Run decode(long start, byte[] value) {
      ByteBuffer buf = ByteBuffer.wrap(value);
      long end = buf.getLong();
      int m = buf.get();
      if (end <= start || m < 0 || m >= Mark.values().length) {
        throw new IllegalStateException("corrupt run record at offset " + start);
      }
      return new Run(start, end, Mark.values()[m]);
    }
  }

  /** Runs to remove (by start) and to add, with the counter deltas they imply. */
  record Change(
      List<Long> removed, List<Run> added, long usedDelta, long burnedDelta, long watermark) {}

  private final TreeMap<Long, Run> runs = new TreeMap<>();
  private long watermark;

  RunSet(long watermark, Collection<Run> initial) {
    this.watermark = watermark;
    for (Run r : initial) {
      runs.put(r.start(), r);
    }
  }

  long watermark() {
    return watermark;
  }

  /**
   * The end of the consumed prefix: the watermark, extended through the runs that follow it
   * without a gap. No byte below it can ever be read again.
   */
  long consumedPrefixEnd() {
    long w = watermark;
    for (Run r : runs.tailMap(floorStart(w), true).values()) {
      if (r.start() > w) {
        break;
      }
      w = Math.max(w, r.end());
    }
    return w;
  }

  /** The end of the highest range accepted or burned (the watermark if there is no run above it). */
  long consumedHigh() {
    return runs.isEmpty() ? watermark : Math.max(watermark, runs.lastEntry().getValue().end());
  }

  /**
   * Burns every byte below {@code end} not yet accepted or burned: all runs fold into a
   * watermark at {@code end} (or the current one if higher), gaps counted as burned.
   */
  Change planBurnAllBelow(long end) {
    if (consumedHigh() > end) {
      throw new IllegalArgumentException("runs reach " + consumedHigh() + ", beyond " + end);
    }
    return fold(0, end);
  }

  int size() {
    return runs.size();
  }

  /** The runs above the watermark, by start. */
  List<Run> runs() {
    return List.copyOf(runs.values());
  }

  /** True if any byte of {@code [s, e)} is settled or inside a run. */
  boolean overlaps(long s, long e) {
    if (s < watermark) {
      return true;
    }
    // Runs are disjoint and sorted: the last run starting before e reaches furthest.
    Map.Entry<Long, Run> last = runs.lowerEntry(e);
    return last != null && last.getValue().end() > s;
  }

  /** Marks the fresh range {@code [s, e)} USED. Caller checked {@link #overlaps} is false. */
  Change planAccept(long s, long e) {
    return planMark(s, e, Mark.USED);
  }

  /**
   * Marks the fresh range {@code [s, e)} BURNED: pad that arrived but was refused (a failed
   * check), so it can never be accepted later. Caller checked {@link #overlaps} is false.
   */
  Change planReject(long s, long e) {
    return planMark(s, e, Mark.BURNED);
  }

  /**
   * Re-marks the accepted range {@code [s, e)} BURNED.
   *
   * @throws IllegalStateException if part of it is already settled below the watermark
   * @throws IllegalArgumentException if part of it was never accepted
   */
  Change planBurn(long s, long e) {
    if (s < watermark) {
      throw new IllegalStateException(
          "range [" + s + ", " + e + ") is settled below watermark " + watermark);
    }
    long covered = s;
    for (Run r : runs.subMap(floorStart(s), true, e, false).values()) {
      if (r.end() <= covered) {
        continue;
      }
      if (r.start() > covered) {
        break;
      }
      covered = r.end();
    }
    if (covered < e) {
      throw new IllegalArgumentException(
          "range [" + s + ", " + e + ") was never accepted (first gap at " + covered + ")");
    }
    return planMark(s, e, Mark.BURNED);
  }

  /**
   * Folds the lowest runs into the watermark once there are more than {@code maxRuns}, down to
   * half. Gaps folded away were pad the sender never delivered: they count as burned, since no
   * byte below the watermark may ever be accepted again.
   *
   * @return the change, or null if no fold is due
   */
  Change planFold(int maxRuns) {
    if (runs.size() <= maxRuns) {
      return null;
    }
    return fold(maxRuns / 2, watermark);
  }

  /**
   * Folds the lowest runs into the watermark until {@code keep} remain, then raises it to at
   * least {@code end}; every gap folded away counts as burned.
   */
  private Change fold(int keep, long end) {
    List<Long> removed = new ArrayList<>();
    long w = watermark;
    long gaps = 0;
    for (Run r : runs.values()) {
      if (runs.size() - removed.size() <= keep) {
        break;
      }
      gaps += r.start() - w;
      w = r.end();
      removed.add(r.start());
    }
    if (end > w) {
      gaps += end - w;
      w = end;
    }
    return new Change(removed, List.of(), 0, gaps, w);
  }

  void apply(Change c) {
    for (long start : c.removed()) {
      runs.remove(start);
    }
    for (Run r : c.added()) {
      runs.put(r.start(), r);
    }
    watermark = c.watermark();
  }

  private long floorStart(long s) {
    Long k = runs.floorKey(s);
    return k == null ? s : k;
  }

  /** Replaces the runs touching {@code [s, e)} by normalized runs with {@code [s, e)} marked. */
  private Change planMark(long s, long e, Mark mark) {
    List<Run> touching = new ArrayList<>(runs.subMap(floorStart(s), true, e, true).values());
    touching.removeIf(r -> r.end() < s || r.start() > e);
    long usedBefore = 0;
    long burnedBefore = 0;
    List<Run> pieces = new ArrayList<>();
    for (Run r : touching) {
      long inside = Math.max(0, Math.min(r.end(), e) - Math.max(r.start(), s));
      if (r.mark() == Mark.USED) {
        usedBefore += inside;
      } else {
        burnedBefore += inside;
      }
      if (r.start() < s) {
        pieces.add(new Run(r.start(), Math.min(r.end(), s), r.mark()));
      }
    }
    pieces.add(new Run(s, e, mark));
    for (Run r : touching) {
      if (r.end() > e) {
        pieces.add(new Run(Math.max(r.start(), e), r.end(), r.mark()));
      }
    }
    List<Run> merged = new ArrayList<>();
    for (Run p : pieces) {
      Run prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (prev != null && prev.end() == p.start() && prev.mark() == p.mark()) {
        merged.set(merged.size() - 1, new Run(prev.start(), p.end(), p.mark()));
      } else {
        merged.add(p);
      }
    }
    long len = e - s;
    long usedDelta = (mark == Mark.USED ? len : 0) - usedBefore;
    long burnedDelta = (mark == Mark.BURNED ? len : 0) - burnedBefore;
    List<Long> removed = touching.stream().map(Run::start).toList();
    return new Change(removed, merged, usedDelta, burnedDelta, watermark);
  }
}
