package org.qkdnet.qnode.dashboard;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.qkdnet.qnode.events.NetworkEvent;

/**
 * One open page's queue of server-sent events: pictures from the poller and events from the
 * station's hub, both handed in without blocking (the hub calls on its publisher's thread). When
 * the page reads too slowly and the queue fills, the stream is marked overflowed and its writer
 * ends it; the browser's EventSource reconnects and starts again from a fresh picture.
 */
final class EventStream {
  /** Frames queued per page at most: far more than the 20 relays and 2 pictures a second sent. */
  static final int CAPACITY = 512;

  /** A queued picture (JSON) or event. */
  sealed interface Item permits Picture, Event {}

  record Picture(String json) implements Item {}

  record Event(NetworkEvent event) implements Item {}

  private final ArrayBlockingQueue<Item> items = new ArrayBlockingQueue<>(CAPACITY);
  private volatile boolean overflowed;

  void offerPicture(String json) {
    offer(new Picture(json));
  }

  void offerEvent(NetworkEvent e) {
    offer(new Event(e));
  }

  private void offer(Item item) {
    if (!items.offer(item)) {
      overflowed = true;
    }
  }

  /** The next item, or null when none came within {@code millis}. */
  Item next(long millis) throws InterruptedException {
    return items.poll(millis, TimeUnit.MILLISECONDS);
  }

  boolean overflowed() {
    return overflowed;
  }

  /** One SSE frame; {@code data} is one line of JSON (Jackson writes no raw newline into it). */
  static String frame(String event, String data) {
    if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("an SSE data line must not contain a line break");
    }
    return "event: " + event + "\ndata: " + data + "\n\n";
  }
}
