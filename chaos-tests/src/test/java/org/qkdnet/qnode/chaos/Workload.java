package org.qkdnet.qnode.chaos;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.qkdnet.qnode.crypto.KeyMaterial;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * ETSI 014 clients for every SAE pair of the network, one thread per pair: the master asks for a
 * key ({@code enc_keys}, one 256-bit key), the slave fetches it by key_ID ({@code dec_keys}); a
 * fetch that fails is retried (every pass, then in {@link #drain}) until it succeeds. Everything
 * goes into the {@link History}, keys as SHA-256 only. The keys' hex and Base64 encodings are kept
 * in memory for the log scan; they are never printed.
 */
final class Workload {
  static final int KEY_BITS = 256;
  /** Longer than the node's relay-timeout (10 s), so the client sees the origin's own answer. */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
  private static final long FAILED_PAUSE_MS = 100;

  private final History history;
  private final List<PairClients> pairs = new ArrayList<>();
  private final Map<String, String> encodings = new HashMap<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  private final class PairClients {
    final ChaosNetwork.Pair pair;
    final Etsi014Client master;
    final Etsi014Client slave;
    /** key_ID to the master's digest, for keys the slave has not fetched yet (in order). */
    final Map<String, String> unfetched = new LinkedHashMap<>();
    final List<String> fetched = new ArrayList<>();

    PairClients(ChaosNetwork.Pair pair, Etsi014Client master, Etsi014Client slave) {
      this.pair = pair;
      this.master = master;
      this.slave = slave;
    }

    /** One master request and, if it got a key, the slave's fetch. */
    void once() throws InterruptedException {
      long start = System.nanoTime();
      History.Op op;
      try {
        List<Etsi014Client.Key> keys = master.encKeys(pair.slave(), 1, KEY_BITS);
        long end = System.nanoTime();
        if (keys.size() != 1) {
          keys.forEach(k -> k.key().zeroize());
          op = op(History.Kind.ENC, start, end, 0, null, null, "answer held " + keys.size() + " keys, not 1");
        } else {
          String id = keys.get(0).keyId();
          op = op(History.Kind.ENC, start, end, 200, id, remember(id, keys.get(0).key()), "");
        }
      } catch (Etsi014Client.Etsi014Error e) {
        op = op(History.Kind.ENC, start, System.nanoTime(), e.status(), null, null, e.getMessage());
      } catch (IOException e) {
        op = op(History.Kind.ENC, start, System.nanoTime(), History.NO_ANSWER, null, null,
            e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      history.add(op);
      if (op.ok()) {
        synchronized (this) {
          unfetched.put(op.keyId(), op.sha256());
        }
        fetch(op.keyId(), History.Kind.DEC);
      } else {
        Thread.sleep(FAILED_PAUSE_MS);
      }
    }

    /** The slave fetches {@code keyId}; true if it got it. */
    boolean fetch(String keyId, History.Kind kind) throws InterruptedException {
      long start = System.nanoTime();
      History.Op op;
      try {
        List<Etsi014Client.Key> keys = slave.decKeys(pair.master(), List.of(keyId));
        long end = System.nanoTime();
        if (keys.size() != 1 || !keys.get(0).keyId().equalsIgnoreCase(keyId)) {
          keys.forEach(k -> k.key().zeroize());
          op = op(kind, start, end, 0, keyId, null, "answer held " + keys.size() + " keys or another key_ID");
        } else {
          op = op(kind, start, end, 200, keyId, remember(keyId, keys.get(0).key()), "");
        }
      } catch (Etsi014Client.Etsi014Error e) {
        op = op(kind, start, System.nanoTime(), e.status(), keyId, null, e.getMessage());
      } catch (IOException e) {
        op = op(kind, start, System.nanoTime(), History.NO_ANSWER, keyId, null,
            e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      history.add(op);
      if (op.ok() && kind == History.Kind.DEC) {
        synchronized (this) {
          unfetched.remove(keyId);
          fetched.add(keyId);
        }
      }
      return op.ok();
    }

    /** Retries every fetch that failed so far, once each; true if none is left. */
    boolean retryUnfetched() throws InterruptedException {
      List<String> ids;
      synchronized (this) {
        ids = List.copyOf(unfetched.keySet());
      }
      for (String id : ids) {
        if (stop.get() && Thread.currentThread().isInterrupted()) {
          return false;
        }
        fetch(id, History.Kind.DEC);
      }
      synchronized (this) {
        return unfetched.isEmpty();
      }
    }

    private History.Op op(History.Kind kind, long start, long end, int status, String keyId, String sha,
        String message) {
      return new History.Op(kind, pair.name(), history.ms(start), history.ms(end), status, keyId, sha, message);
    }
  }

  Workload(ChaosNetwork net, History history) throws Exception {
    this.history = history;
    for (ChaosNetwork.Pair p : net.workload()) {
      pairs.add(new PairClients(p, net.client(p.master(), CLIENT_TIMEOUT), net.client(p.slave(), CLIENT_TIMEOUT)));
    }
  }

  /** One request per pair, bounded: true once every pair has delivered a key (the network is up). */
  boolean warmUp(Duration within) throws InterruptedException {
    long until = System.nanoTime() + within.toNanos();
    List<PairClients> waiting = new ArrayList<>(pairs);
    while (!waiting.isEmpty() && System.nanoTime() < until) {
      for (PairClients c : List.copyOf(waiting)) {
        int before = c.fetched.size();
        c.once();
        if (c.fetched.size() > before) {
          waiting.remove(c);
        }
      }
      if (!waiting.isEmpty()) {
        Thread.sleep(300);
      }
    }
    return waiting.isEmpty();
  }

  /** One client thread per pair, until {@link #stop}; bounded by {@code maxRun} in any case. */
  void start(Duration maxRun) {
    long until = System.nanoTime() + maxRun.toNanos();
    for (PairClients c : pairs) {
      Thread t = new Thread(() -> {
        long lastRetry = 0;
        try {
          while (!stop.get() && System.nanoTime() < until) {
            if (System.nanoTime() - lastRetry > 1_000_000_000L) {
              c.retryUnfetched();
              lastRetry = System.nanoTime();
            }
            c.once();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "chaos-client-" + c.pair.name());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Stops the client threads and waits (bounded) for their last request to end. */
  void stop() throws InterruptedException {
    stop.set(true);
    long until = System.nanoTime() + CLIENT_TIMEOUT.multipliedBy(3).toNanos();
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

  /**
   * After the load stopped: retries every fetch not yet done until all succeeded or {@code within}
   * passed. Returns how many keys remain unfetched.
   */
  int drain(Duration within) throws InterruptedException {
    long until = System.nanoTime() + within.toNanos();
    while (true) {
      boolean done = true;
      for (PairClients c : pairs) {
        done &= c.retryUnfetched();
      }
      if (done || System.nanoTime() > until) {
        break;
      }
      Thread.sleep(500);
    }
    int left = 0;
    for (PairClients c : pairs) {
      synchronized (c) {
        left += c.unfetched.size();
      }
    }
    return left;
  }

  /**
   * The slave of each pair asks again for up to {@code perPair} keys it fetched (the first, and
   * others spread over the run): each must be refused now (I2, and I4 across the restarts since).
   */
  void refetchProbes(int perPair) throws InterruptedException {
    for (PairClients c : pairs) {
      List<String> ids;
      synchronized (c) {
        ids = List.copyOf(c.fetched);
      }
      for (int i = 0; i < Math.min(perPair, ids.size()); i++) {
        c.fetch(ids.get(i * ids.size() / perPair), History.Kind.REFETCH);
      }
    }
  }

  /** Hex and Base64 of every key seen, to its key_ID: for the log scan only, never printed. */
  Map<String, String> encodings() {
    synchronized (encodings) {
      return Map.copyOf(encodings);
    }
  }

  /** The key's SHA-256; its encodings go to the in-memory search set; the key is zeroized. */
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
}
