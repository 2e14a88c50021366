package org.qkdnet.qnode;

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
    version = "qnode 0.1.0",
    description = "Trusted-relay QKD network station node.",
    subcommands = {RunCommand.class, DemoCommand.class, CertsCommand.class, BenchCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    // gRPC and Netty log through java.util.logging; send it to SLF4J (logback) like the rest,
    // instead of JUL's own console handler
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; exit code 2 for usage errors, as for every bad input. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> 2);
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
