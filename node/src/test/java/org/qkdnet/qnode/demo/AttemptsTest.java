package org.qkdnet.qnode.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.sae.Etsi014Client;

class AttemptsTest {
  private final List<String> said = new ArrayList<>();
  private final Attempts attempts = new Attempts(3, Duration.ZERO, said::add);

  @Test
  void anAnswer_isReturned_andCostsNothing() throws Exception {
    assertThat(attempts.attempt("enc_keys", () -> "keys")).contains("keys");
    assertThat(attempts.failures()).isZero();
    assertThat(said).isEmpty();
  }

  @Test
  void aHandshakeTheServerDropped_isSaidAndRetried_untilTheBudgetIsSpent() throws Exception {
    Attempts.Call<String> dropped = () -> {
      throw new SSLHandshakeException("Remote host terminated the handshake");
    };

    assertThat(attempts.attempt("enc_keys", dropped)).isEmpty();
    assertThat(attempts.lastMayPass()).isTrue();
    assertThat(attempts.exhausted()).isFalse();
    assertThat(said.get(0)).contains("enc_keys failed on its way", "SSLHandshakeException",
        "Remote host terminated the handshake", "retrying");
    assertThat(attempts.attempt("enc_keys", () -> "keys")).as("the next try passes").contains("keys");

    attempts.attempt("enc_keys", dropped);
    attempts.attempt("enc_keys", dropped);
    assertThat(attempts.exhausted()).as("three failures of a budget of three").isTrue();
  }

  @Test
  void a503_mayPass_otherRefusalsMayNot() throws Exception {
    Optional<String> refused = attempts.attempt("dec_keys", () -> {
      throw new Etsi014Client.Etsi014Error(503, "not enough key material");
    });
    assertThat(refused).isEmpty();
    assertThat(attempts.lastMayPass()).isTrue();
    assertThat(said.get(0)).contains("dec_keys refused (HTTP 503: not enough key material); pools refill, retrying");

    attempts.attempt("dec_keys", () -> {
      throw new Etsi014Client.Etsi014Error(404, "no such key");
    });
    assertThat(attempts.lastMayPass()).isFalse();
    assertThat(said.get(1)).isEqualTo("dec_keys refused (HTTP 404: no such key)");
  }

  @Test
  void anythingElse_endsTheRun() {
    assertThatThrownBy(() -> attempts.attempt("enc_keys", () -> {
      throw new IllegalStateException("bug");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(attempts.failures()).isZero();
  }

  @Test
  void aBudgetBelowOne_isRefused() {
    assertThatThrownBy(() -> new Attempts(0, Duration.ZERO, s -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFailures");
  }
}
