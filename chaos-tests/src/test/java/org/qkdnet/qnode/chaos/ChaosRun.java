package org.qkdnet.qnode.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Runs a suite, prints progress and a summary, writes the JSON report and the HTML page next to it. */
final class ChaosRun {
  private ChaosRun() {}

  static ChaosSuite.Outcome runAndReport(ChaosSuite.Options options, Path report) throws Exception {
    deleteTree(options.work().resolve("data"));
    deleteTree(options.work().resolve("scenarios"));
    Files.createDirectories(options.work());
    ChaosSuite.Outcome o = new ChaosSuite(options, ChaosRun::print).run();
    Report.writeJson(o, report);
    Path html = report.resolveSibling(report.getFileName().toString().replaceFirst("\\.json$", "") + ".html");
    Report.writeHtml(o, html);
    o.skipped().forEach(k -> print("chaos: SKIPPED " + k));
    print(String.format(Locale.ROOT, "chaos: %s seed %d: %d scenarios in %.0f s, relays ok %d, violations %d%s%n"
        + "chaos: report %s, timeline %s, histories and logs under %s", o.profile(), o.seed(), o.scenarios().size(),
        o.durationSeconds(), o.relaysOk(), o.violations(), o.skipped().isEmpty() ? "" : ", skipped "
        + o.skipped().size() + " (see above)", report, html, options.work()));
    return o;
  }

  private static void print(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
