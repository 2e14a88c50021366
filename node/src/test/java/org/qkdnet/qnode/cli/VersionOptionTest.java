package org.qkdnet.qnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.Main;
import picocli.CommandLine;

/** {@code --version} works on every command and prints the version of the build (the pom's). */
class VersionOptionTest {

  /** The version in this module's pom (its parent's), read independently of the build's resource. */
  private static String pomVersion() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>.*?</parent>", Pattern.DOTALL).matcher(pom);
    assertThat(m.find()).as("parent version in node/pom.xml").isTrue();
    return m.group(1).trim();
  }

  private static void commandPaths(CommandLine cl, List<String> prefix, List<List<String>> out) {
    out.add(prefix);
    cl.getSubcommands().forEach((name, sub) -> {
      List<String> path = new ArrayList<>(prefix);
      path.add(name);
      commandPaths(sub, path, out);
    });
  }

  @Test
  void version_everyCommand_printsTheBuildsVersion() throws Exception {
    String expected = "qnode " + pomVersion();
    List<List<String>> paths = new ArrayList<>();
    commandPaths(Main.commandLine(), List.of(), paths);
    assertThat(paths).contains(List.of(), List.of("run"), List.of("demo"), List.of("certs"), List.of("bench"),
        List.of("bench", "relay"), List.of("bench", "link"), List.of("bench", "cascade"), List.of("bench", "pa"));
    for (List<String> path : paths) {
      CommandLine cl = Main.commandLine();
      StringWriter out = new StringWriter();
      cl.setOut(new PrintWriter(out, true));
      List<String> args = new ArrayList<>(path);
      args.add("--version");
      int code = cl.execute(args.toArray(String[]::new));
      assertThat(code).as("exit code of qnode %s --version", String.join(" ", path)).isZero();
      assertThat(out.toString().lines().findFirst()).as("qnode %s --version", String.join(" ", path))
          .hasValue(expected);
    }
  }

  @Test
  void version_isNotAPlaceholder() {
    assertThat(QnodeVersion.version()).doesNotContain("${").isNotBlank();
  }
}
