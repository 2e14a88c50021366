package org.qkdnet.qnode.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How the {@code bench} subcommands report: one JSON line on stdout ({@link BenchJson}: written by
 * Jackson, null for a figure that is not a finite number), optionally to a file.
 */
final class BenchOutput {
  static final int EXIT_OK = 0;
  static final int EXIT_IO = 1;
  static final int EXIT_BAD_INPUT = 2;

  private BenchOutput() {}

  /** Prints {@code result} and writes it to {@code json} when given; the command's exit code. */
  static int emit(CommandSpec spec, Path json, BenchJson figures) {
    String result = figures.line();
    spec.commandLine().getOut().println(result);
    spec.commandLine().getOut().flush();
    if (json != null) {
      try {
        Files.writeString(json, result + "\n");
      } catch (IOException e) {
        return fail(spec, EXIT_IO, "cannot write " + json + ": " + e.getMessage());
      }
    }
    return EXIT_OK;
  }

  /** Prints {@code <command>: message} on stderr and returns {@code code}. */
  static int fail(CommandSpec spec, int code, String message) {
    spec.commandLine().getErr().println(spec.name() + ": " + message);
    spec.commandLine().getErr().flush();
    return code;
  }
}
