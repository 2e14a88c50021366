package org.qkdnet.qnode.relay;

/**
 * Where a station reports how its relays went, for metrics. Figures only: station ids, reason
 * codes ({@link RelayOutcome}) and durations, never key material.
 */
public interface RelayRecorder {
  /** Records nothing. */
  RelayRecorder NONE = new RelayRecorder() {
    @Override
    public void relayEnded(String destination, String reason, long nanos) {}

    @Override
    public void hopAnswered(String nextStation, String reason, long nanos) {}
  };

  /**
   * A relay this station originated ended: {@code reason} is empty when the keys were delivered,
   * else the {@link RelayOutcome} reason; {@code nanos} from the request to the answer (end to end,
   * retries included).
   */
  void relayEnded(String destination, String reason, long nanos);

  /**
   * A hop this station sent (as origin or transit) was answered by {@code nextStation}: {@code
   * reason} as above ({@code ""} also for a held multipath share); {@code nanos} from sending the
   * hop to its answer, which includes the rest of the path beyond {@code nextStation}.
   */
  void hopAnswered(String nextStation, String reason, long nanos);

  /** {@code transport} with every hop's answer and time reported to {@code recorder}. */
  static HopTransport timed(HopTransport transport, RelayRecorder recorder, java.util.function.LongSupplier nanoTime) {
    return (message, timeoutMillis) -> {
      long start = nanoTime.getAsLong();
      return transport.send(message, timeoutMillis).whenComplete((outcome, error) -> {
        String reason = error != null ? RelayOutcome.INTERNAL : outcome.accepted() ? "" : outcome.reason();
        try {
          recorder.hopAnswered(message.receiver(), reason, nanoTime.getAsLong() - start);
        } catch (RuntimeException e) {
          // a metrics failure must not fail the relay (HopTransport never completes exceptionally)
        }
      });
    };
  }
}
