package org.qkdnet.qnode.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/** Cluster members by status as this station sees them, plus how many it finds unreachable. */
public final class ClusterMetrics {
  /** Pekko's member statuses, as tag values. */
  static final List<String> STATUSES = List.of("joining", "weakly_up", "up", "leaving", "exiting", "down",
      "removed", "preparing_for_shutdown", "ready_for_shutdown");
  static final String UNREACHABLE = "unreachable";

  private ClusterMetrics() {}

  /** Binds gauges over {@code counts}: members by status (keys of {@link #STATUSES}) and {@link #UNREACHABLE}. */
  public static void bind(MeterRegistry registry, Supplier<Map<String, Integer>> counts) {
    for (String status : STATUSES) {
      Gauge.builder("qnode.cluster.members", counts, c -> count(c, status))
          .description("Cluster members by status, as this station sees them")
          .tag("status", status).strongReference(true).register(registry);
    }
    Gauge.builder("qnode.cluster.unreachable.members", counts, c -> count(c, UNREACHABLE))
        .description("Cluster members this station's failure detector finds unreachable")
        .strongReference(true).register(registry);
  }

  /** The counts from the cluster state of {@code system} (read at each call). */
  public static Supplier<Map<String, Integer>> of(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    return () -> counts(cluster.state());
  }

  static Map<String, Integer> counts(ClusterEvent.CurrentClusterState state) {
    Map<String, Integer> out = new HashMap<>();
    for (Member m : state.getMembers()) {
      out.merge(tagOf(m.status().toString()), 1, Integer::sum);
    }
    out.put(UNREACHABLE, state.getUnreachable().size());
    return out;
  }

  /** {@code WeaklyUp} to {@code weakly_up}. */
  static String tagOf(String status) {
    return status.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static double count(Supplier<Map<String, Integer>> counts, String key) {
    try {
      return counts.get().getOrDefault(key, 0);
    } catch (RuntimeException e) {
      return Double.NaN; // the actor system is shutting down
    }
  }
}
