package org.qkdnet.qnode.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * What {@code --version} prints on every command: the Maven project version this build was made
 * from (a resource Maven fills in at build time, so it cannot drift from the pom) and the JVM.
 */
public final class QnodeVersion implements CommandLine.IVersionProvider {
  static final String RESOURCE = "/org/qkdnet/qnode/qnode-version.properties";

  /** The project version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    try (InputStream in = QnodeVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing: the build did not package it");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      if (v.isEmpty() || v.contains("${")) {
        throw new IllegalStateException(RESOURCE + " was not filled in by the build: '" + v + "'");
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
        "qnode " + version(),
        "JVM " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
            + System.getProperty("java.vendor") + ")"};
  }

  /** Gives {@code commandLine} and all its subcommands this version. */
  public static void installOn(CommandLine commandLine) {
    commandLine.getCommandSpec().versionProvider(new QnodeVersion());
    commandLine.getSubcommands().values().forEach(QnodeVersion::installOn);
  }
}
