package org.qkdnet.qnode.cli;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.qkdnet.qnode.keystore.SyncRecorder;
import org.qkdnet.qnode.station.Station;

/**
 * The synced writes of a benchmark's stations (each writer's wait for the disk, each fsync, and
 * how many each station made) between two {@link #take()}s: what a relay or an ETSI 014 request
 * cannot go below. Installing it replaces the stations' store recorders (a benchmark's in-process
 * stations have no other use for them).
 */
final class StoreSyncs {
  private final Recorder waits = new Recorder(3);
  private final Recorder fsyncs = new Recorder(3);
  private final Map<String, LongAdder> perStation = new TreeMap<>();

  StoreSyncs(Collection<Station> stations) {
    for (Station s : stations) {
      LongAdder count = new LongAdder();
      perStation.put(s.id(), count);
      s.store().recordSyncs(new SyncRecorder() {
        @Override
        public void waited(long nanos) {
          count.increment();
          waits.recordValue(Math.max(1, nanos / 1000));
        }

        @Override
        public void fsynced(long nanos) {
          fsyncs.recordValue(Math.max(1, nanos / 1000));
        }
      });
    }
  }

  /** What happened since the last take (or since installed): the next one starts from zero. */
  Interval take() {
    Map<String, Long> counts = new TreeMap<>();
    perStation.forEach((id, n) -> {
      long c = n.sumThenReset();
      if (c > 0) {
        counts.put(id, c);
      }
    });
    return new Interval(waits.getIntervalHistogram(), fsyncs.getIntervalHistogram(), counts);
  }

  /**
   * @param waits each writer's wait for its writes to reach the disk (us)
   * @param fsyncs each fsync (us)
   * @param perStation synced writes per station that made any
   */
  record Interval(Histogram waits, Histogram fsyncs, Map<String, Long> perStation) {
    long writes() {
      return waits.getTotalCount();
    }

    double waitP50Us() {
      return waits.getTotalCount() == 0 ? 0 : waits.getValueAtPercentile(50);
    }

    double fsyncP50Us() {
      return fsyncs.getTotalCount() == 0 ? 0 : fsyncs.getValueAtPercentile(50);
    }
  }
}
