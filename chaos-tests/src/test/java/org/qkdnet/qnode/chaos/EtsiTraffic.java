package org.qkdnet.qnode.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * ETSI 014 traffic between one master and one slave SAE, from client threads, with a history of
 * every request: monotonic start/end, outcome (or HTTP status and message), key_ID and the key's
 * SHA-256, and every {@code dec_keys} fetch of that key at the slave.
 *
 * <p>Key bytes are never logged or printed; the history keeps only SHA-256 digests. The hex and
 * Base64 encodings of every key seen are kept in memory (never printed) so that the station logs
 * can be searched for them afterwards.
 */
final class EtsiTraffic {
  /** How a request that got no HTTP answer is recorded. */
  static final int NO_ANSWER = -1;

  /** One {@code enc_keys} request of the master (one key). */
  record Request(String thread, int seq, long startNanos, long endNanos, boolean ok, int status, String message,
      String keyId, String sha256) {}

  /** One {@code dec_keys} fetch of one key id by the slave. */
  record Fetch(String keyId, long startNanos, long endNanos, boolean ok, int status, String message,
      String sha256) {}

  private final Etsi014Client master;
  private final Etsi014Client slave;
  private final String masterSae;
  private final String slaveSae;
  private final int keyBits;
  private final boolean fetchRightAway;
  private final Duration pause;

  private final List<Request> requests = new ArrayList<>();
  private final List<Fetch> fetches = new ArrayList<>();
  /** Encodings of every key seen (hex, Base64) to its key_ID: for the log search only. */
  private final Map<String, String> encodings = new HashMap<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger seq = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();

  EtsiTraffic(Etsi014Client master, String masterSae, Etsi014Client slave, String slaveSae, int keyBits,
      boolean fetchRightAway, Duration pause) {
    this.master = master;
    this.slave = slave;
    this.masterSae = masterSae;
    this.slaveSae = slaveSae;
    this.keyBits = keyBits;
    this.fetchRightAway = fetchRightAway;
    this.pause = pause;
  }

  /**
   * One master request (and, if so configured and it succeeded, the slave's fetch of the key),
   * recorded in the history.
   */
  Request requestOnce(String thread) throws InterruptedException {
    int n = seq.incrementAndGet();
    long start = System.nanoTime();
    Request r;
    try {
      List<Etsi014Client.Key> keys = master.encKeys(slaveSae, 1, keyBits);
      long end = System.nanoTime();
      if (keys.size() != 1) {
        keys.forEach(k -> k.key().zeroize());
        r = new Request(thread, n, start, end, false, 200, "answer held " + keys.size() + " keys, not 1", null,
            null);
      } else {
        Etsi014Client.Key k = keys.get(0);
        r = new Request(thread, n, start, end, true, 200, "", k.keyId(), remember(k.keyId(), k.key()));
      }
    } catch (Etsi014Client.Etsi014Error e) {
      r = new Request(thread, n, start, System.nanoTime(), false, e.status(), e.getMessage(), null, null);
    } catch (IOException e) {
      r = new Request(thread, n, start, System.nanoTime(), false, NO_ANSWER,
          e.getClass().getSimpleName() + ": " + e.getMessage(), null, null);
    }
    synchronized (requests) {
      requests.add(r);
    }
    if (r.ok() && fetchRightAway) {
      fetch(r.keyId());
    }
    return r;
  }

  /** The slave fetches one key by id; recorded. */
  Fetch fetch(String keyId) throws InterruptedException {
    long start = System.nanoTime();
    Fetch f;
    try {
      List<Etsi014Client.Key> keys = slave.decKeys(masterSae, List.of(keyId));
      long end = System.nanoTime();
      if (keys.size() != 1 || !keys.get(0).keyId().equalsIgnoreCase(keyId)) {
        keys.forEach(k -> k.key().zeroize());
        f = new Fetch(keyId, start, end, false, 200, "answer held " + keys.size() + " keys or another key_ID",
            null);
      } else {
        f = new Fetch(keyId, start, end, true, 200, "", remember(keyId, keys.get(0).key()));
      }
    } catch (Etsi014Client.Etsi014Error e) {
      f = new Fetch(keyId, start, System.nanoTime(), false, e.status(), e.getMessage(), null);
    } catch (IOException e) {
      f = new Fetch(keyId, start, System.nanoTime(), false, NO_ANSWER,
          e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    }
    synchronized (requests) {
      fetches.add(f);
    }
    return f;
  }

  /** Digest of the key; its encodings go to the in-memory search set. The key is zeroized. */
  private String remember(String keyId, KeyMaterial key) {
    byte[] bytes = key.copyBytes();
    key.zeroize();
    try {
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      synchronized (encodings) {
        encodings.put(HexFormat.of().formatHex(bytes), keyId);
        encodings.put(Base64.getEncoder().encodeToString(bytes), keyId);
      }
      return sha;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Starts {@code count} client threads that request until {@link #stop} or {@code maxRun} passed. */
  void start(int count, Duration maxRun) {
    long until = System.nanoTime() + maxRun.toNanos();
    for (int i = 1; i <= count; i++) {
      String name = "client-" + i;
      Thread t = new Thread(() -> {
        // bounded by time and by count (a failing server answers fast)
        for (int n = 0; n < 1_000_000 && !stop.get() && System.nanoTime() < until; n++) {
          try {
            requestOnce(name);
            if (!pause.isZero()) {
              Thread.sleep(pause.toMillis());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, name);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Asks the client threads to stop and waits (bounded) for their last request to end. */
  void stop(Duration timeout) throws InterruptedException {
    stop.set(true);
    long until = System.nanoTime() + timeout.toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, (until - System.nanoTime()) / 1_000_000));
    }
    for (Thread t : threads) {
      if (t.isAlive()) {
        t.interrupt();
        t.join(5_000);
      }
    }
  }

  boolean allStopped() {
    return threads.stream().noneMatch(Thread::isAlive);
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  List<Fetch> fetches() {
    synchronized (requests) {
      return List.copyOf(fetches);
    }
  }

  /** Hex and Base64 of every key seen, to its key_ID (for searching logs; never print the keys). */
  Map<String, String> encodings() {
    synchronized (encodings) {
      return Map.copyOf(encodings);
    }
  }

  /** The history as CSV (times in ms from {@code t0}); digests only, no key bytes. */
  void writeCsv(Path file, long t0) throws IOException {
    StringBuilder b = new StringBuilder("kind,thread,seq,start_ms,end_ms,ok,status,key_id,sha256,message\n");
    for (Request r : requests()) {
      b.append("enc,").append(r.thread()).append(',').append(r.seq()).append(',')
          .append(ms(r.startNanos() - t0)).append(',').append(ms(r.endNanos() - t0)).append(',').append(r.ok())
          .append(',').append(r.status()).append(',').append(r.keyId() == null ? "" : r.keyId()).append(',')
          .append(r.sha256() == null ? "" : r.sha256()).append(',').append(csv(r.message())).append('\n');
    }
    for (Fetch f : fetches()) {
      b.append("dec,,,").append(ms(f.startNanos() - t0)).append(',').append(ms(f.endNanos() - t0)).append(',')
          .append(f.ok()).append(',').append(f.status()).append(',').append(f.keyId()).append(',')
          .append(f.sha256() == null ? "" : f.sha256()).append(',').append(csv(f.message())).append('\n');
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, b, StandardCharsets.UTF_8);
  }

  static String ms(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static String csv(String s) {
    return s == null ? "" : '"' + s.replace("\"", "'").replace('\n', ' ') + '"';
  }
}
