package org.qkdnet.qnode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qkdnet.qnode.link.NicePrivilege;

/**
 * bin/qnode rebuilds the jar when a source is newer and otherwise runs it as it is. The script runs
 * in a copy of the tree's shape with stand-ins for {@code mvn} and {@code java} on the PATH that
 * only record how they were called.
 */
class LauncherScriptTest {
  private static final Instant JAR_TIME = Instant.parse("2026-01-02T00:00:00Z");

  @TempDir Path root;
  private Path jar;
  private Path calls;

  private record Run(int code, String stderr, List<String> calls) {}

  @BeforeEach
  void tree() throws IOException {
    Files.createDirectories(root.resolve("bin"));
    Files.copy(Path.of("..", "bin", "qnode"), root.resolve("bin/qnode"), StandardCopyOption.COPY_ATTRIBUTES);
    jar = root.resolve("node/target/qnode.jar");
    calls = root.resolve("calls.log");
    for (String f : List.of("pom.xml", "node/pom.xml", "proto/pom.xml", "cluster-config/pom.xml",
        "node/src/main/java/A.java", "proto/src/main/proto/a.proto", "cluster-config/reference.conf",
        "cluster-config/target/classes/reference.conf", "node/target/qnode.jar", "docs/notes.md")) {
      Path p = root.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
      Files.setLastModifiedTime(p, FileTime.from(JAR_TIME.minusSeconds(60)));
    }
    Files.setLastModifiedTime(jar, FileTime.from(JAR_TIME));
    Path fakes = Files.createDirectories(root.resolve("fakebin"));
    // mvn: records the call and "builds" the jar (a fresh mtime); java: records its arguments
    script(fakes.resolve("mvn"), "echo \"mvn $*\" >> '" + calls + "'; touch '" + jar + "'");
    script(fakes.resolve("java"), "echo \"java $*\" >> '" + calls + "'\n"
        // as the JVM does at exit: write the class-data archive it was asked for
        + "for a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*) touch \"${a#*=}\";; esac; done");
  }

  private static void script(Path p, String body) throws IOException {
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Run run(String... args) throws Exception {
    return run(Map.of(), args);
  }

  private Run run(Map<String, String> env, String... args) throws Exception {
    return run(List.of(), env, args);
  }

  /** Runs bin/qnode under {@code prefix} (a command that runs the rest); "" in {@code env} unsets. */
  private Run run(List<String> prefix, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(prefix);
    cmd.addAll(List.of("bash", root.resolve("bin/qnode").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("PATH", root.resolve("fakebin") + ":" + System.getenv("PATH"));
    pb.environment().remove("QNODE_JAVA_OPTS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().put("QNODE_CDS", "off"); // the class-data archive has tests of its own
    pb.environment().put("QNODE_NICE19", "on"); // the check whether it may has a test of its own
    env.forEach((k, v) -> {
      if (v.isEmpty()) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> c = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    Files.deleteIfExists(calls);
    return new Run(p.exitValue(), err, c);
  }

  private void touchNewer(String file) throws IOException {
    Files.setLastModifiedTime(root.resolve(file), FileTime.from(JAR_TIME.plusSeconds(60)));
  }

  @Test
  void jarNewerThanEverySource_runsItWithoutBuildingOrOutput() throws Exception {
    touchNewer("docs/notes.md");
    touchNewer("cluster-config/target/classes/reference.conf");
    Run r = run("certs", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.calls()).containsExactly("java -jar " + jar + " certs --help");
  }

  @Test
  void sourceNewerThanJar_rebuildsOnceWithOneLineThenRuns() throws Exception {
    for (String f : List.of("node/src/main/java/A.java", "proto/src/main/proto/a.proto",
        "cluster-config/reference.conf", "pom.xml", "node/pom.xml")) {
      Files.setLastModifiedTime(jar, FileTime.from(JAR_TIME));
      touchNewer(f);
      Run r = run("certs");
      assertThat(r.code()).as(f).isZero();
      assertThat(r.stderr().lines().toList()).as(f).hasSize(1).first().asString()
          .contains("rebuilding").contains(f);
      assertThat(r.calls()).as(f).hasSize(2);
      assertThat(r.calls().get(0)).startsWith("mvn ").contains("package");
      assertThat(r.calls().get(1)).isEqualTo("java -jar " + jar + " certs");
      // built now: the next start runs at once
      assertThat(run("certs").calls()).as(f).containsExactly("java -jar " + jar + " certs");
      Files.setLastModifiedTime(root.resolve(f), FileTime.from(JAR_TIME.minusSeconds(60)));
    }
  }

  @Test
  void jarMissing_builds() throws Exception {
    Files.delete(jar);
    Run r = run("demo");
    assertThat(r.calls()).hasSize(2);
    assertThat(r.calls().get(0)).startsWith("mvn ");
  }

  @Test
  void runAndDemo_passThreadPriorityAndOomFlags_benchOnlyOom_otherCommandsNone() throws Exception {
    String station = "java -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 -XX:+DisplayVMOutputToStderr -XX:+ExitOnOutOfMemoryError";
    assertThat(run("run", "--station", "ALP").calls()).containsExactly(
        station + " -Xmx512m -jar " + jar + " run --station ALP");
    assertThat(run("demo").calls()).containsExactly(station + " -XX:TieredStopAtLevel=1 -jar " + jar + " demo");
    assertThat(run("bench", "relay").calls()).containsExactly(
        "java -XX:+ExitOnOutOfMemoryError -jar " + jar + " bench relay");
    assertThat(run("admin", "status").calls()).containsExactly("java -jar " + jar + " admin status");
    // the demo's C1-only default comes before the user's options, so theirs wins
    assertThat(run(Map.of("QNODE_JAVA_OPTS", "-XX:TieredStopAtLevel=4"), "demo").calls()).singleElement().asString()
        .contains("-XX:TieredStopAtLevel=1 -XX:TieredStopAtLevel=4 -jar ");
  }

  @Test
  void nice19_onlyWhereThreadsMayReturnToNormalPriority() throws Exception {
    String policy = "java -XX:ThreadPriorityPolicy=1 -XX:+DisplayVMOutputToStderr -XX:+ExitOnOutOfMemoryError";
    String nice19 = "java -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 -XX:+DisplayVMOutputToStderr"
        + " -XX:+ExitOnOutOfMemoryError";
    String c1 = " -XX:TieredStopAtLevel=1";
    assertThat(run(Map.of("QNODE_NICE19", "off"), "demo").calls()).containsExactly(policy + c1 + " -jar " + jar + " demo");
    assertThat(run(Map.of("QNODE_NICE19", "on"), "demo").calls()).containsExactly(nice19 + c1 + " -jar " + jar + " demo");
    // auto (the default): what this process may do, read from /proc as the script does
    assertThat(run(Map.of("QNODE_NICE19", "auto"), "demo").calls())
        .containsExactly((NicePrivilege.mayRaise() ? nice19 : policy) + c1 + " -jar " + jar + " demo");
    Run bad = run(Map.of("QNODE_NICE19", "yes"), "demo");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.stderr()).contains("QNODE_NICE19 must be on, off or auto, not 'yes'");
    assertThat(bad.calls()).isEmpty();
  }

  @Test
  void nice19_notWithoutCapSysNice() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv drops CAP_SYS_NICE for the script");
    Assumptions.assumeTrue(NicePrivilege.hasCapSysNice(), "no CAP_SYS_NICE to drop (the auto case above covers a process without it)");
    Assumptions.assumeFalse(NicePrivilege.rlimitAllowsNice0(), "RLIMIT_NICE lets any process here raise priorities");
    Run r = run(List.of("/usr/bin/setpriv", "--bounding-set=-sys_nice", "--inh-caps=-sys_nice", "--"),
        Map.of("QNODE_NICE19", ""), "demo");
    assertThat(r.code()).isZero();
    assertThat(r.calls()).containsExactly("java -XX:ThreadPriorityPolicy=1 -XX:+DisplayVMOutputToStderr"
        + " -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1 -jar " + jar + " demo");
  }

  @Test
  void run_heapGivenByTheUser_replacesTheDefault() throws Exception {
    String station = "java -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 -XX:+DisplayVMOutputToStderr -XX:+ExitOnOutOfMemoryError";
    assertThat(run(Map.of("QNODE_JAVA_OPTS", "-Xmx2g"), "run").calls()).containsExactly(
        station + " -Xmx2g -jar " + jar + " run");
    assertThat(run(Map.of("JDK_JAVA_OPTIONS", "-XX:MaxRAMPercentage=50"), "run").calls()).containsExactly(
        station + " -jar " + jar + " run");
    // an option that merely contains the letters is not a heap size
    assertThat(run(Map.of("QNODE_JAVA_OPTS", "-Dx=-Xmx"), "run").calls()).containsExactly(
        station + " -Xmx512m -Dx=-Xmx -jar " + jar + " run");
  }

  @Test
  void afterABuild_recordsAClassDataArchive_thatRunAndDemoThenUse() throws Exception {
    Files.delete(jar);
    Path jsa = root.resolve("node/target/qnode.jsa");
    Run built = run(Map.of("QNODE_CDS", "on"), "run", "--station", "ALP");
    assertThat(built.calls()).hasSize(3);
    assertThat(built.calls().get(0)).startsWith("mvn ");
    assertThat(built.calls().get(1)).matches("java -XX:ArchiveClassesAtExit=" + java.util.regex.Pattern.quote(jsa
        + ".tmp.") + "\\d+ -jar " + java.util.regex.Pattern.quote(jar.toString()) + " bench relay --relays 20 --warmup 5 --warmup-seconds 0");
    assertThat(built.calls().get(2)).contains("-XX:SharedArchiveFile=" + jsa + " ").endsWith(" run --station ALP");
    assertThat(built.stderr()).contains("recording a class-data archive");
    assertThat(jsa).exists();
    assertThat(root.resolve("node/target/qnode-jsa.log")).exists();
    try (var left = Files.list(root.resolve("node/target"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp.") || n.contains(".log."));
    }

    // no build, no recording: the archive is used as it is
    assertThat(run(Map.of("QNODE_CDS", "on"), "demo").calls()).singleElement().asString()
        .contains("-XX:SharedArchiveFile=" + jsa + " ").endsWith(" demo");
    assertThat(run(Map.of("QNODE_CDS", "on"), "bench", "relay").calls()).singleElement().asString()
        .doesNotContain("SharedArchiveFile");
    // an archive older than the jar belongs to another build: not used
    Files.setLastModifiedTime(jsa, FileTime.from(JAR_TIME.minusSeconds(10)));
    Files.setLastModifiedTime(jar, FileTime.from(JAR_TIME));
    assertThat(run(Map.of("QNODE_CDS", "on"), "run").calls()).singleElement().asString()
        .doesNotContain("SharedArchiveFile");
  }

  @Test
  void aFailedRecording_leavesNoArchive_andTheStationStartsWithoutIt() throws Exception {
    Files.delete(jar);
    script(root.resolve("fakebin/java"), "echo \"java $*\" >> '" + calls + "'; for a in \"$@\"; do case \"$a\" in"
        + " -XX:ArchiveClassesAtExit=*) touch \"${a#*=}\"; exit 1;; esac; done");
    Run r = run(Map.of("QNODE_CDS", "on"), "run");
    assertThat(r.code()).isZero();
    assertThat(r.stderr()).contains("no class-data archive (see node/target/qnode-jsa.log)");
    assertThat(r.calls()).hasSize(3);
    assertThat(r.calls().get(2)).doesNotContain("SharedArchiveFile").endsWith(" run");
    assertThat(root.resolve("node/target/qnode.jsa")).doesNotExist();
    try (var left = Files.list(root.resolve("node/target"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp.") || n.contains(".log."));
    }
  }

  @Test
  void cdsOff_neitherRecordsNorUsesAnArchive() throws Exception {
    Files.delete(jar);
    Run r = run(Map.of("QNODE_CDS", "off"), "run");
    assertThat(r.calls()).hasSize(2);
    assertThat(String.join("\n", r.calls())).doesNotContain("Archive");
  }
}
