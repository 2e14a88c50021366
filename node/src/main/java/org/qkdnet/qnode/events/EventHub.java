package org.qkdnet.qnode.events;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A station's events for its watchers (the admin API's WatchEvents, the dashboard): keeps the last
 * {@code recentCapacity} for a watcher that just arrived, and hands every new one to each
 * subscriber on the publisher's thread, under the hub's lock (so every watcher sees one order). A
 * subscriber's sink must not block (it queues or drops); one that throws is unsubscribed.
 */
public final class EventHub {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);

  private final String station;
  private final int recentCapacity;
  private final InstantSource clock;
  private final ArrayDeque<NetworkEvent> recent = new ArrayDeque<>();
  private final CopyOnWriteArrayList<Subscription> subscribers = new CopyOnWriteArrayList<>();
  private long seq;
  /** RELAY events per second handed out at most (the rest are counted and dropped). */
  private final int relaysPerSecond;
  private long relayWindowStart;
  private boolean relayWindowOpen;
  private int relaysInWindow;
  private long relaysDropped;

  public EventHub(String station, int recentCapacity, int relaysPerSecond, InstantSource clock) {
    if (recentCapacity < 1 || relaysPerSecond < 0) {
      throw new IllegalArgumentException("recent capacity must be positive and the relay rate not negative: "
          + recentCapacity + ", " + relaysPerSecond);
    }
    this.relaysPerSecond = relaysPerSecond;
    this.station = station;
    this.recentCapacity = recentCapacity;
    this.clock = clock;
  }

  /** A watcher; {@link #close()} ends it. */
  public final class Subscription implements AutoCloseable {
    private final Consumer<NetworkEvent> sink;

    private Subscription(Consumer<NetworkEvent> sink) {
      this.sink = sink;
    }

    @Override
    public void close() {
      subscribers.remove(this);
    }
  }

  /**
   * Records an event and hands it to every subscriber, in sequence order; returns it. RELAY events
   * (one per relay, many per second) go to the watchers only, at most {@code relaysPerSecond} of
   * them (null for one dropped over that rate); the recent ones kept are the others, which change
   * the picture.
   */
  public NetworkEvent publish(NetworkEvent.Kind kind, String subject, String detail) {
    synchronized (recent) {
      long now = clock.millis();
      if (kind == NetworkEvent.Kind.RELAY) {
        if (!relayWindowOpen || now - relayWindowStart >= 1000 || now < relayWindowStart) {
          relayWindowOpen = true;
          relayWindowStart = now;
          relaysInWindow = 0;
        }
        if (++relaysInWindow > relaysPerSecond) {
          relaysDropped++;
          return null;
        }
      }
      NetworkEvent e = new NetworkEvent(++seq, now, station, kind, subject, detail);
      if (kind != NetworkEvent.Kind.RELAY) {
        recent.addLast(e);
        if (recent.size() > recentCapacity) {
          recent.removeFirst();
        }
      }
      for (Subscription s : subscribers) {
        try {
          s.sink.accept(e);
        } catch (RuntimeException ex) {
          log.warn("event watcher dropped: {}", ex.toString());
          s.close();
        }
      }
      return e;
    }
  }

  /** The last events kept, oldest first. */
  public List<NetworkEvent> recent() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  /**
   * Subscribes {@code sink} to every event published from now on; with {@code replay} it first
   * gets the recent ones: in sequence order, none twice, none missed between the two.
   */
  public Subscription subscribe(boolean replay, Consumer<NetworkEvent> sink) {
    Subscription s = new Subscription(sink);
    synchronized (recent) {
      if (replay) {
        recent.forEach(sink);
      }
      subscribers.add(s);
    }
    return s;
  }

  /** RELAY events dropped over the rate so far. */
  public long relaysDropped() {
    synchronized (recent) {
      return relaysDropped;
    }
  }

  public int subscriberCount() {
    return subscribers.size();
  }
}
