package org.qkdnet.qnode.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.qkdnet.qnode.sae.Etsi014Client;

/**
 * The demo's patience with its ETSI 014 requests: a refusal (a 503 while pools refill) or a
 * request that failed on its way (a connection reset, a TLS handshake the server dropped) is said,
 * counted and retried after a pause, until the run has used up its budget of failures. Everything
 * else (a bug, an interrupt) ends the run as before.
 */
final class Attempts {
  /** One request. */
  interface Call<T> {
    T call() throws IOException, InterruptedException;
  }

  private final int maxFailures;
  private final Duration pause;
  private final Consumer<String> say;
  private int failures;
  private boolean lastMayPass;

  Attempts(int maxFailures, Duration pause, Consumer<String> say) {
    if (maxFailures < 1) {
      throw new IllegalArgumentException("maxFailures must be >= 1, got " + maxFailures);
    }
    this.maxFailures = maxFailures;
    this.pause = pause;
    this.say = say;
  }

  /** The call's answer, or empty after a refusal or a failed request (said, counted, paused after). */
  <T> Optional<T> attempt(String what, Call<T> call) throws InterruptedException {
    try {
      return Optional.of(call.call());
    } catch (Etsi014Client.Etsi014Error e) {
      failures++;
      lastMayPass = e.status() == 503;
      say.accept(what + " refused (" + e.getMessage() + ")" + (lastMayPass ? "; pools refill, retrying" : ""));
    } catch (IOException e) {
      failures++;
      lastMayPass = true;
      say.accept(what + " failed on its way (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "); retrying");
    }
    Thread.sleep(pause.toMillis());
    return Optional.empty();
  }

  /**
   * True if the last failed attempt may pass when tried again: a 503 (come back later) or a
   * request that never got an answer; false after any other refusal (e.g. 404: no such key).
   */
  boolean lastMayPass() {
    return lastMayPass;
  }

  /** True once the run has had {@code maxFailures} failed attempts: stop asking. */
  boolean exhausted() {
    return failures >= maxFailures;
  }

  int failures() {
    return failures;
  }
}
