package org.qkdnet.qnode.relay;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Test hook (like {@link HopFaults}): shows a test what a transit station recovered in the clear
 * while forwarding, so a multipath test can prove no relay station saw the delivered key. Nothing
 * is registered in production; an unregistered check is one map lookup. What a tap receives is a
 * copy that it owns; it must never be logged.
 */
public final class TransitTaps {
  private static final Map<String, Consumer<byte[]>> TAPS = new ConcurrentHashMap<>();

  private TransitTaps() {}

  public static void tap(String station, Consumer<byte[]> tap) {
    TAPS.put(station, tap);
  }

  public static void clear() {
    TAPS.clear();
  }

  static boolean active(String station) {
    return !TAPS.isEmpty() && TAPS.containsKey(station);
  }

  static void recovered(String station, byte[] copy) {
    Consumer<byte[]> t = TAPS.get(station);
    if (t != null) {
      t.accept(copy);
    }
  }
}
