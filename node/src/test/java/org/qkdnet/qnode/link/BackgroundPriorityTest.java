package org.qkdnet.qnode.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The OS priority post-processing threads really get, read from /proc in a child JVM started with
 * the flags bin/qnode, the systemd unit, the container and the chaos harness use.
 */
class BackgroundPriorityTest {
  /** Child JVM: prints "nice <lowered> <normal>" of a post-processing pool thread and of main. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      ThreadPoolExecutor pool = BackgroundPriority.executor("AAA", "probe", 1, 1);
      Future<Integer> lowered = pool.submit(Probe::ownNice);
      System.out.println("nice " + lowered.get(10, TimeUnit.SECONDS) + " " + ownNice());
      pool.shutdownNow();
    }

    /** The nice value of the calling thread (field 19 of /proc/thread-self/stat). */
    static int ownNice() throws Exception {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(after[16]);
    }
  }

  private static String probe(String... flags) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m"));
    cmd.addAll(List.of(flags));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe ended").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().filter(l -> l.startsWith("nice ")).findFirst().orElseThrow(() -> new AssertionError(out));
  }

  private static int[] nice(String line) {
    String[] f = line.split(" ");
    return new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2])};
  }

  @Test
  void lowestPriority_isNice19_withTheLaunchersFlags_nice4WithThePolicyAlone() throws Exception {
    Assumptions.assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "reads thread priorities from Linux /proc");
    // the child starts at this JVM's nice value (0 unless the build itself runs niced); with the
    // policy the JVM sets its normal threads to nice 0 where it may (as root), else they keep it
    int base = Probe.ownNice();
    int[] launcher = nice(probe("-XX:ThreadPriorityPolicy=1", "-XX:JavaPriority1_To_OSPriority=19"));
    assertThat(launcher[0]).as("post-processing thread").isEqualTo(19);
    assertThat(launcher[1]).as("normal thread").isBetween(0, base);
    // the JVM's own table: nice 4 (or the base, where the JVM may not lower the value), which left
    // post-processing a third of a core against each relay thread
    assertThat(nice(probe("-XX:ThreadPriorityPolicy=1"))[0]).isBetween(4, Math.max(4, base));
    // without the policy Java priorities do not reach the OS at all
    assertThat(nice(probe())).containsExactly(base, base);
  }
}
