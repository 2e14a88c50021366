package org.qkdnet.qnode.relay;

import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Named fault-injection points on the sending side of a hop (in the manner of Apache Ratis'
 * CodeInjectionForTesting): tests arm a fault for a station, the transport applies it to the next
 * hop that station sends. Nothing is armed in production; an unarmed check is one map lookup.
 */
public final class HopFaults {
  /** What to do to the next hop a station sends. */
  public enum Fault {
    /** Flip one ciphertext bit (hop 2 and later carry ciphertext). */
    FLIP_CIPHERTEXT_BIT,
    /** Flip one bit of the authentication tag. */
    FLIP_TAG_BIT,
    /** Send the identical hop a second time after the first answer (a retry or a replay). */
    SEND_TWICE
  }

  private static final Map<String, Queue<Fault>> ARMED = new ConcurrentHashMap<>();
  private static final Map<String, Consumer<HopMessage>> OBSERVERS = new ConcurrentHashMap<>();

  private HopFaults() {}

  public static void arm(String sendingStation, Fault fault) {
    ARMED.computeIfAbsent(sendingStation, s -> new ConcurrentLinkedQueue<>()).add(fault);
  }

  /** Sees every hop {@code sendingStation} sends, as sent (after any armed fault). */
  public static void observe(String sendingStation, Consumer<HopMessage> observer) {
    OBSERVERS.put(sendingStation, observer);
  }

  public static void clear() {
    ARMED.clear();
    OBSERVERS.clear();
  }

  /** The next armed fault of {@code station}, consumed. */
  public static Optional<Fault> take(String station) {
    Queue<Fault> q = ARMED.get(station);
    return q == null ? Optional.empty() : Optional.ofNullable(q.poll());
  }

  /** Applies a content fault; SEND_TWICE is the transport's to carry out. */
  public static HopMessage apply(Fault fault, HopMessage m) {
    return switch (fault) {
      case FLIP_CIPHERTEXT_BIT -> {
        byte[] c = m.ciphertext();
        if (c.length > 0) {
          c[c.length / 2] ^= 0x01;
        }
        yield copy(m, c, m.tag());
      }
      case FLIP_TAG_BIT -> {
        byte[] t = m.tag();
        t[0] ^= 0x01;
        yield copy(m, m.ciphertext(), t);
      }
      case SEND_TWICE -> m;
    };
  }

  /** Called by transports with every hop about to leave {@code station}. */
  public static void notifySent(String station, HopMessage m) {
    Consumer<HopMessage> o = OBSERVERS.get(station);
    if (o != null) {
      o.accept(m);
    }
  }

  private static HopMessage copy(HopMessage m, byte[] ciphertext, byte[] tag) {
    return m.with(ciphertext, tag);
  }
}
