package org.qkdnet.qnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Halts a real JVM at {@code keystore.afterReserveSync} and recovers its store here. */
class CrashRecoveryTest {
  @TempDir Path dir;

  /** Child process: fills a pool, reserves, and (with the crash property) halts right after. */
  public static final class Child {
    private Child() {}

    public static void main(String[] args) {
      StationKeyStore store = StationKeyStore.open(Path.of(args[0]), "A");
      SplitFrames.append(store, "B", 0, TestPads.frame(200, 1));
      store.reserve("B", 25, "victim");
      System.exit(3); // not reached when the crash point fires
    }
  }

  /** Child process: transit station B accepts from A and reserves toward C in one step. */
  public static final class TransitChild {
    private TransitChild() {}

    public static void main(String[] args) {
      StationKeyStore store = StationKeyStore.open(Path.of(args[0]), "B");
      SplitFrames.append(store, "A", 0, TestPads.frame(200, 1));
      SplitFrames.append(store, "C", 0, TestPads.frame(200, 2));
      store.acceptAndReserve("A", 10, 40, "victim", "C", 40, pad -> true);
      System.exit(3); // not reached when the crash point fires
    }
  }

  @Test
  void acceptAndReserve_haltedAfterSync_incomingStaysUsedReservationIsBurned() throws Exception {
    Path db = dir.resolve("db");
    Path err = runChild(TransitChild.class, "keystore.afterTransitSync", db);

    assertThat(Files.readString(err)).contains("CRASH POINT keystore.afterTransitSync");
    try (StationKeyStore b = StationKeyStore.open(db, "B")) {
      assertThat(b.ledger(new StreamId("A", "B"))).isEqualTo(new Ledger(100, 60, 0, 40, 0));
      assertThat(b.ledger(new StreamId("B", "C"))).isEqualTo(new Ledger(100, 60, 0, 0, 40));
    }
  }

  /** Runs a child JVM that must halt at {@code crashPoint}; its stderr file. */
  private Path runChild(Class<?> main, String crashPoint, Path db) throws Exception {
    Path err = dir.resolve(main.getSimpleName() + ".err");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-D" + CrashPoints.PROPERTY + "=" + crashPoint,
                main.getName(),
                db.toString())
            .redirectError(err.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).isTrue();
    assertThat(p.exitValue()).isEqualTo(137);
    return err;
  }

  @Test
  void reserve_haltedAfterSync_reservationIsBurnedOnReopen() throws Exception {
    Path err = dir.resolve("child.err");
    Path db = dir.resolve("db");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-D" + CrashPoints.PROPERTY + "=keystore.afterReserveSync",
                Child.class.getName(),
                db.toString())
            .redirectError(err.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }

    assertThat(done).isTrue();
    assertThat(p.exitValue()).isEqualTo(137);
    assertThat(Files.readString(err)).contains("CRASH POINT keystore.afterReserveSync");
    try (StationKeyStore a = StationKeyStore.open(db, "A")) {
      assertThat(a.ledger(new StreamId("A", "B"))).isEqualTo(new Ledger(100, 75, 0, 0, 25));
    }
  }
}
