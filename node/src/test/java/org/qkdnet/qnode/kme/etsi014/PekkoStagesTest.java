package org.qkdnet.qnode.kme.etsi014;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import scala.concurrent.Promise;
import scala.jdk.javaapi.FutureConverters;

class PekkoStagesTest {

  @Test
  void aCallbackOnTheAdaptedStage_runsOnTheThreadThatCompletesIt() throws Exception {
    Promise<String> promise = Promise.apply();
    CompletionStage<String> scalaStage = FutureConverters.asJava(promise.future());
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CompletableFuture<String> mapped = PekkoStages.onCompletingThread(scalaStage)
        .thenApply(v -> {
          ranOn.set(Thread.currentThread());
          return v + "!";
        });

    Thread completer = new Thread(() -> promise.success("done"), "completer");
    completer.start();
    completer.join(10_000);

    assertThat(mapped.get(10, TimeUnit.SECONDS)).isEqualTo("done!");
    assertThat(ranOn.get()).isSameAs(completer);
  }

  @Test
  void anAlreadyCompleteStage_runsTheCallbackOnTheCallersThread() {
    Promise<String> promise = Promise.apply();
    promise.success("ready");
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    PekkoStages.onCompletingThread(FutureConverters.asJava(promise.future()))
        .thenAccept(v -> ranOn.set(Thread.currentThread()));

    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
  }

  @Test
  void aFailedStage_failsTheAdaptedOneWithItsCause() {
    Promise<String> promise = Promise.apply();
    IllegalStateException boom = new IllegalStateException("stream failed");
    CompletableFuture<String> adapted = PekkoStages.onCompletingThread(FutureConverters.asJava(promise.future()));

    promise.failure(boom);

    assertThat(adapted).isCompletedExceptionally();
    Throwable cause = null;
    try {
      adapted.get();
    } catch (ExecutionException | InterruptedException e) {
      cause = e.getCause();
    }
    assertThat(cause).isSameAs(boom);
  }
}
