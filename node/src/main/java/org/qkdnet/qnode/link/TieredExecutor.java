package org.qkdnet.qnode.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Two pools for one kind of background work: each task goes to the urgent pool while {@code
 * urgent} says so when it is submitted, else to the background pool. The pools' threads keep the
 * priority they were made with (an unprivileged process can lower a thread's OS priority but never
 * raise it again), so the work moves between tiers, not the threads.
 */
public final class TieredExecutor extends AbstractExecutorService {
  private final ExecutorService background;
  private final ExecutorService urgent;
  private final BooleanSupplier urgentNow;

  public TieredExecutor(ExecutorService background, ExecutorService urgent, BooleanSupplier urgentNow) {
    this.background = Objects.requireNonNull(background, "background");
    this.urgent = Objects.requireNonNull(urgent, "urgent");
    this.urgentNow = Objects.requireNonNull(urgentNow, "urgentNow");
  }

  @Override
  public void execute(Runnable task) {
    (urgentNow.getAsBoolean() ? urgent : background).execute(task);
  }

  @Override
  public void shutdown() {
    background.shutdown();
    urgent.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    List<Runnable> left = new ArrayList<>(background.shutdownNow());
    left.addAll(urgent.shutdownNow());
    return left;
  }

  @Override
  public boolean isShutdown() {
    return background.isShutdown() && urgent.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return background.isTerminated() && urgent.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long end = System.nanoTime() + unit.toNanos(timeout);
    return background.awaitTermination(timeout, unit)
        && urgent.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
  }
}
