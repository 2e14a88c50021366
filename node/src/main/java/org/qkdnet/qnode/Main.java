package org.qkdnet.qnode;

import org.qkdnet.qnode.cli.AdminCommand;
import org.qkdnet.qnode.cli.BenchCommand;
import org.qkdnet.qnode.cli.CertsCommand;
import org.qkdnet.qnode.cli.DemoCommand;
import org.qkdnet.qnode.cli.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code qnode} command line. */
@Command(
    name = "qnode",
    mixinStandardHelpOptions = true,
    versionProvider = org.qkdnet.qnode.cli.QnodeVersion.class,
    description = "Trusted-relay QKD network station node.",
    subcommands = {RunCommand.class, DemoCommand.class, CertsCommand.class, BenchCommand.class, AdminCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    // gRPC and Netty log through java.util.logging; send it to SLF4J (logback) like the rest,
    // instead of JUL's own console handler
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    // an OutOfMemoryError on any thread stops the process loudly (issue 11 item 6)
    org.qkdnet.qnode.station.FatalErrors.install();
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line: exit code 2 for usage errors and bad settings, as for every bad
   * input; 1 with one line naming the reason for a failure while running (a port in use, a store
   * locked by another process, a missing key-encryption key).
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    org.qkdnet.qnode.cli.QnodeVersion.installOn(cl);
    cl.setExitCodeExceptionMapper(e -> e instanceof org.qkdnet.qnode.config.ConfigException ? 2 : 1);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      String reason = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      Throwable cause = ex.getCause();
      if (cause != null && cause.getMessage() != null && !reason.contains(cause.getMessage())) {
        reason += " (" + cause.getMessage() + ")";
      }
      cmd.getErr().println("qnode " + cmd.getCommandName() + ": " + reason.replace('\n', ' '));
      cmd.getErr().flush();
      return ex instanceof org.qkdnet.qnode.config.ConfigException ? 2 : 1;
    });
    cl.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println("qnode: " + ex.getMessage());
      ex.getCommandLine().usage(ex.getCommandLine().getErr());
      return 2;
    });
    return cl;
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }
}
