package org.qkdnet.qnode.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TieredExecutorTest {
  @Test
  void task_runsOnTheTierItsUrgencyNamedWhenSubmitted() throws Exception {
    AtomicBoolean urgent = new AtomicBoolean(false);
    TieredExecutor pool = BackgroundPriority.executor("AAA", "pp", 1, 4, urgent::get);
    try {
      Thread background = pool.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
      urgent.set(true);
      Thread urgentThread = pool.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
      urgent.set(false);
      Thread backAgain = pool.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);

      assertThat(background.getPriority()).isEqualTo(BackgroundPriority.BACKGROUND).isEqualTo(Thread.MIN_PRIORITY);
      assertThat(urgentThread.getPriority()).isEqualTo(BackgroundPriority.URGENT)
          .isGreaterThan(Thread.MIN_PRIORITY).isLessThan(Thread.NORM_PRIORITY);
      assertThat(background.getName()).startsWith("pp");
      assertThat(urgentThread.getName()).startsWith("pp-urgent");
      assertThat(backAgain).isSameAs(background);
    } finally {
      pool.shutdownNow();
    }
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(pool.isTerminated()).isTrue();
  }

  @Test
  void eachTierHasItsOwnBoundedQueue_aFullBackgroundDoesNotHoldUpUrgentWork() throws Exception {
    AtomicBoolean urgent = new AtomicBoolean(false);
    TieredExecutor pool = BackgroundPriority.executor("AAA", "pp", 1, 1, urgent::get);
    CountDownLatch release = new CountDownLatch(1);
    try {
      pool.execute(() -> awaitQuietly(release)); // the background thread busy
      pool.execute(() -> { }); // its queue full
      assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
      urgent.set(true);
      assertThat(pool.submit(() -> "urgent").get(10, TimeUnit.SECONDS)).isEqualTo("urgent");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
