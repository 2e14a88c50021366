package org.qkdnet.qnode.keystore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test's child JVM that must halt at a named crash point (as by kill -9), and checks it did. */
public final class CrashingChild {
  private CrashingChild() {}

  /**
   * Runs {@code main} with {@code args} and {@code -Dqnode.crash-at=crashPoint} (passing it {@code
   * skip} times first); asserts it halted there within 60 s. Returns its stderr file.
   */
  public static Path run(Path dir, Class<?> main, String crashPoint, int skip, String... args) throws Exception {
    Path err = dir.resolve(main.getSimpleName() + ".err");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-D" + CrashPoints.PROPERTY + "=" + crashPoint,
        "-D" + CrashPoints.SKIP_PROPERTY + "=" + skip,
        main.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).as("child finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(err)).isEqualTo(137);
    assertThat(Files.readString(err)).contains("CRASH POINT " + crashPoint);
    return err;
  }
}
