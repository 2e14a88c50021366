package org.qkdnet.qnode.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The OS priorities post-processing threads really get, read from /proc in a child JVM started
 * with the flags bin/qnode, the systemd unit, the container and the chaos harness use: the
 * background tier at nice 19, the urgent tier at nice 3, and a task on the tier its urgency named
 * when it was submitted.
 */
class BackgroundPriorityTest {
  /** Child JVM: prints "nice <background> <urgent> <main>" as seen by tasks of a tiered executor. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      AtomicBoolean urgent = new AtomicBoolean(false);
      TieredExecutor pool = BackgroundPriority.executor("AAA", "probe", 1, 1, urgent::get);
      // the first urgent task is handed on by a background one (as a frame is): its thread must
      // still be at the urgent tier's priority, also where the process may not raise priorities
      int[] nice = pool.submit(() -> {
        int background = ownNice();
        urgent.set(true);
        return new int[] {background, pool.submit(Probe::ownNice).get(10, TimeUnit.SECONDS)};
      }).get(20, TimeUnit.SECONDS);
      System.out.println("nice " + nice[0] + " " + nice[1] + " " + ownNice() + " "
          + (BackgroundPriority.canRaise() ? 1 : 0));
      System.out.println("describe " + BackgroundPriority.describe());
      pool.shutdownNow();
    }

    /** The nice value of the calling thread (field 19 of /proc/thread-self/stat). */
    static int ownNice() throws Exception {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(after[16]);
    }
  }

  /** What the last probe's {@link BackgroundPriority#describe()} said. */
  private static String described = "";

  private static int[] probe(String... flags) throws Exception {
    return probe(List.of(), flags);
  }

  private static int[] probe(List<String> prefix, String... flags) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(java, "-Xmx64m"));
    cmd.addAll(List.of(flags));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe ended").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    String line = out.lines().filter(l -> l.startsWith("nice ")).findFirst()
        .orElseThrow(() -> new AssertionError(out));
    described = out.lines().filter(l -> l.startsWith("describe ")).findFirst().orElse("");
    String[] f = line.split(" ");
    return new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4])};
  }

  @Test
  void tiers_areNice19AndNice3_withTheLaunchersFlags_nice4And3WithThePolicyAlone() throws Exception {
    Assumptions.assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "reads thread priorities from Linux /proc");
    // the child starts at this JVM's nice value (0 unless the build itself runs niced); with the
    // policy the JVM sets its normal threads to nice 0 where it may (as root), else they keep it
    int base = Probe.ownNice();
    int[] launcher = probe("-XX:ThreadPriorityPolicy=1", "-XX:JavaPriority1_To_OSPriority=19");
    boolean mayRaise = NicePrivilege.mayRaise();
    // nice 19 only where a thread it makes can return to normal priority (see background())
    assertThat(launcher[0]).as("background tier").isEqualTo(mayRaise ? 19 : Math.max(3, base));
    assertThat(launcher[1]).as("urgent tier").isBetween(3, Math.max(3, base));
    assertThat(launcher[2]).as("normal thread").isBetween(0, base);
    assertThat(launcher[3]).as("a lowered thread can be raised again").isEqualTo(mayRaise ? 1 : 0);
    assertThat(described).contains(mayRaise ? "post-processing at nice 19, at nice 3 while a link is short of key"
        : "post-processing at nice 3, at nice 3 while a link is short of key (nice 19 needs the right");
    // the JVM's own table: nice 4 for the lowest priority (or the base, where the JVM may not
    // lower the value), which left post-processing a third of a core against each relay thread
    int[] policyOnly = probe("-XX:ThreadPriorityPolicy=1");
    assertThat(policyOnly[0]).as("background tier, policy alone").isBetween(4, Math.max(4, base));
    assertThat(policyOnly[1]).as("urgent tier, policy alone").isBetween(3, Math.max(3, base));
    assertThat(described).contains("post-processing at nice 4, at nice 3 while a link is short of key");
    // without the policy Java priorities do not reach the OS at all
    assertThat(probe()).containsExactly(base, base, base, 0);
    assertThat(described).contains("post-processing at the relays' priority");
  }

  @Test
  void withoutTheRightToRaisePriorities_noNice19_andTheUrgentTierIsStillNice3() throws Exception {
    Assumptions.assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "reads thread priorities from Linux /proc");
    List<String> prefix = List.of();
    if (NicePrivilege.mayRaise()) {
      // drop CAP_SYS_NICE for the child (RLIMIT_NICE must not allow it either)
      Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && !NicePrivilege.rlimitAllowsNice0(),
          "this process may raise priorities and has no setpriv to run a child that may not");
      prefix = List.of("/usr/bin/setpriv", "--bounding-set=-sys_nice", "--inh-caps=-sys_nice", "--");
    }
    int base = Probe.ownNice();
    Assumptions.assumeTrue(base <= 3, "the build runs at nice " + base + ": nothing above it to compare");
    // with the launcher's flags: a nice-19 thread could make threads that never return to nice 0
    int[] launcher = probe(prefix, "-XX:ThreadPriorityPolicy=1", "-XX:JavaPriority1_To_OSPriority=19");
    assertThat(launcher[3]).as("the child may raise priorities").isZero();
    assertThat(launcher[0]).as("background tier, nice 19 asked for").isEqualTo(3);
    assertThat(launcher[1]).as("urgent tier").isEqualTo(3);
    // the JVM's own table (what bin/qnode passes here): nice 4, and the urgent tier's threads, made
    // before a background thread could hand work on, at nice 3
    int[] policyOnly = probe(prefix, "-XX:ThreadPriorityPolicy=1");
    assertThat(policyOnly[0]).as("background tier").isEqualTo(4);
    assertThat(policyOnly[1]).as("urgent tier, its thread made while a background thread handed work on").isEqualTo(3);
    assertThat(described).contains("post-processing at nice 4").contains("CAP_SYS_NICE or ulimit -e 20");
  }
}
