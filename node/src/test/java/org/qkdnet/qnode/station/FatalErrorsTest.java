package org.qkdnet.qnode.station;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FatalErrorsTest {
  @Test
  void virtualMachineError_printsOneLineAndHalts_otherThrowablesGoOn() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    AtomicInteger halted = new AtomicInteger(-1);
    List<Throwable> passedOn = new ArrayList<>();
    Thread.UncaughtExceptionHandler h = FatalErrors.handler(err, halted::set, (t, e) -> passedOn.add(e));
    Thread worker = new Thread(() -> {}, "postprocess-ALP-1");

    IllegalStateException plain = new IllegalStateException("not fatal");
    h.uncaughtException(worker, plain);
    assertThat(halted.get()).isEqualTo(-1);
    assertThat(passedOn).containsExactly(plain);

    h.uncaughtException(worker, new OutOfMemoryError("Java heap space"));
    assertThat(halted.get()).isEqualTo(FatalErrors.EXIT_CODE);
    assertThat(bytes.toString(StandardCharsets.UTF_8).trim()).isEqualTo("qnode: FATAL java.lang.OutOfMemoryError:"
        + " Java heap space in thread postprocess-ALP-1; stopping the process (exit 3): give it more heap (-Xmx)"
        + " and restart it");
    assertThat(passedOn).hasSize(1);
  }

  @Test
  void haltsEvenWhenPrintingFails() {
    AtomicInteger halted = new AtomicInteger(-1);
    PrintStream broken = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        throw new OutOfMemoryError("no room to print");
      }
    });
    Thread.UncaughtExceptionHandler h = FatalErrors.handler(broken, halted::set, (t, e) -> { });
    try {
      h.uncaughtException(Thread.currentThread(), new StackOverflowError());
    } catch (OutOfMemoryError expected) {
      // the print failed; the halt ran anyway
    }
    assertThat(halted.get()).isEqualTo(FatalErrors.EXIT_CODE);
  }

  /** A process that installs the handler, survives a plain exception and then runs out of heap. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      FatalErrors.install();
      Thread plain = new Thread(() -> {
        throw new IllegalStateException("an ordinary failure");
      }, "plain-failure");
      plain.start();
      plain.join();
      System.out.println("still running");
      System.out.flush();
      Thread hog = new Thread(() -> {
        List<long[]> held = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
          held.add(new long[1 << 20]);
        }
      }, "heap-hog");
      hog.start();
      // the handler halts on the hog thread before it ends, so join never returns when it works
      hog.join();
      System.out.println("not stopped");
      System.exit(0);
    }
  }

  @Test
  void aProcessThatRunsOutOfHeapOnAnyThread_stopsWithExit3AndSaysWhy(@TempDir Path dir) throws Exception {
    // the ordinary failure goes to the log: here to stderr, where the test reads it
    Path logback = Files.writeString(dir.resolve("logback.xml"), """
        <configuration>
          <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>%level %msg%n%ex</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="ERR"/></root>
        </configuration>
        """);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx64m", "-Dlogback.configurationFile=" + logback, "-cp",
        System.getProperty("java.class.path"), Probe.class.getName()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isEqualTo(3);
    assertThat(out).contains("still running").doesNotContain("not stopped");
    assertThat(err).contains("ERROR uncaught exception in thread plain-failure").contains("an ordinary failure")
        .contains("qnode: FATAL java.lang.OutOfMemoryError: Java heap space in thread heap-hog; stopping the process");
  }
}
