package org.qkdnet.qnode.cli;

import picocli.CommandLine.Command;

/** {@code qnode bench ...}: whole-system measurements, printed as medians and percentiles. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: relay chains, the ETSI 014 API under load, Cascade reconciliation, privacy "
        + "amplification, simulated links.",
    subcommands = {BenchRelayCommand.class, BenchEtsiCommand.class, BenchCascadeCommand.class, BenchPaCommand.class,
        BenchLinkCommand.class})
public final class BenchCommand implements Runnable {
  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }
}
