package org.qkdnet.qnode.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The run's report: JSON ({@code {"seed","profile","scenarios":[{"name","faults","duration_s",
 * "relays_ok","relays_failed","violations":[...]}]}} plus a few extra fields) and one
 * self-contained HTML page (inline SVG, no external assets) with a timeline per scenario: ok and
 * failed master requests per second, fault windows shaded.
 */
final class Report {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Report() {}

  static ObjectNode json(ChaosSuite.Outcome o) {
    ObjectNode root = JSON.createObjectNode();
    root.put("seed", o.seed()).put("profile", o.profile())
        .put("duration_s", Math.round(o.durationSeconds() * 10) / 10.0)
        .put("relays_ok", o.relaysOk()).put("violations", o.violations());
    ArrayNode scenarios = root.putArray("scenarios");
    for (ScenarioResult r : o.scenarios()) {
      ObjectNode s = scenarios.addObject();
      s.put("name", r.name());
      ArrayNode faults = s.putArray("faults");
      r.faults().forEach(faults::add);
      s.put("duration_s", Math.round(r.durationSeconds() * 10) / 10.0).put("relays_ok", r.relaysOk())
          .put("relays_failed", r.relaysFailed());
      ArrayNode vs = s.putArray("violations");
      for (Violation v : r.violations()) {
        ObjectNode n = vs.addObject().put("invariant", v.invariant()).put("subject", v.subject());
        ArrayNode st = n.putArray("stations");
        v.stations().forEach(st::add);
        n.put("detail", v.detail());
      }
      s.put("orphans", r.orphans());
      ObjectNode rec = s.putObject("recovery_ms");
      r.recoveryMillis().forEach(rec::put);
      ArrayNode windows = s.putArray("fault_windows");
      for (ScenarioResult.Window w : r.windows()) {
        windows.addObject().put("fault", w.fault()).put("from_ms", w.fromMillis()).put("to_ms", w.toMillis());
      }
      ArrayNode notes = s.putArray("notes");
      r.notes().forEach(notes::add);
    }
    ArrayNode skipped = root.putArray("skipped");
    for (ChaosSuite.Skipped k : o.skipped()) {
      skipped.addObject().put("scenario", k.scenario()).put("fault", k.fault()).put("whole_scenario",
          k.wholeScenario()).put("reason", k.reason());
    }
    return root;
  }

  static void writeJson(ChaosSuite.Outcome o, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, JSON.writeValueAsString(json(o)) + "\n", StandardCharsets.UTF_8);
  }

  static void writeHtml(ChaosSuite.Outcome o, Path file) throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>qnode chaos ").append(esc(o.profile()))
        .append(" seed ").append(o.seed()).append("</title><style>")
        .append("body{font:14px sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}.bad{color:#b00;font-weight:bold}")
        .append(".ok{color:#070}svg{background:#fafafa;border:1px solid #ddd}.legend span{margin-right:1.5em}")
        .append("</style></head><body>");
    h.append("<h1>qnode chaos suite: profile ").append(esc(o.profile())).append(", seed ").append(o.seed())
        .append("</h1>");
    h.append(String.format(Locale.ROOT, "<p>%d scenarios in %.0f s; %d relays ok; ", o.scenarios().size(),
        o.durationSeconds(), o.relaysOk()));
    h.append(o.violations() == 0 ? "<span class=\"ok\">no violations</span>"
        : "<span class=\"bad\">" + o.violations() + " violations</span>").append("</p>");
    for (ChaosSuite.Skipped k : o.skipped()) {
      h.append("<p class=\"bad\">SKIPPED ").append(esc(k.toString())).append("</p>");
    }
    h.append("<table><tr><th>scenario</th><th>faults</th><th>s</th><th>relays ok</th><th>failed</th>"
        + "<th>violations</th></tr>");
    for (ScenarioResult r : o.scenarios()) {
      h.append("<tr><td><a href=\"#").append(esc(r.name())).append("\">").append(esc(r.name()))
          .append("</a></td><td>").append(esc(String.join("; ", r.faults()))).append("</td><td>")
          .append(Math.round(r.durationSeconds())).append("</td><td>").append(r.relaysOk()).append("</td><td>")
          .append(r.relaysFailed()).append("</td><td class=\"").append(r.violations().isEmpty() ? "ok" : "bad")
          .append("\">").append(r.violations().size()).append("</td></tr>");
    }
    h.append("</table>");
    h.append("<p class=\"legend\"><span style=\"color:#2a7\">&#9632; ok master requests/s</span>"
        + "<span style=\"color:#d33\">&#9632; failed/s</span><span style=\"color:#e8b\">&#9632; fault window</span></p>");
    for (ScenarioResult r : o.scenarios()) {
      h.append("<h2 id=\"").append(esc(r.name())).append("\">").append(esc(r.name())).append("</h2>");
      h.append("<p>").append(esc(String.join("; ", r.faults()))).append("</p>");
      h.append(timeline(r));
      for (Violation v : r.violations()) {
        h.append("<p class=\"bad\">").append(esc(v.toString())).append("</p>");
      }
      for (String n : r.notes()) {
        h.append("<p>").append(esc(n)).append("</p>");
      }
    }
    h.append("</body></html>\n");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, h, StandardCharsets.UTF_8);
  }

  /** An SVG of the per-second counts with the fault windows shaded behind them. */
  static String timeline(ScenarioResult r) {
    List<int[]> ps = r.perSecond();
    int w = 900;
    int hgt = 160;
    int pad = 30;
    int max = 1;
    for (int[] c : ps) {
      max = Math.max(max, Math.max(c[0], c[1]));
    }
    double seconds = Math.max(1, ps.size());
    double xs = (w - 2 * pad) / seconds;
    double ys = (hgt - 2 * pad) / (double) max;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(hgt)
        .append("\" viewBox=\"0 0 ").append(w).append(' ').append(hgt).append("\">");
    for (ScenarioResult.Window win : r.windows()) {
      double x0 = pad + win.fromMillis() / 1000.0 * xs;
      double x1 = pad + Math.max(win.toMillis(), win.fromMillis() + 200) / 1000.0 * xs;
      s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#e8b\""
          + " fill-opacity=\"0.35\"><title>%s</title></rect>", x0, pad, x1 - x0, hgt - 2 * pad, esc(win.fault())));
    }
    s.append(polyline(ps, 0, pad, hgt, xs, ys, "#2a7")).append(polyline(ps, 1, pad, hgt, xs, ys, "#d33"));
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", pad,
        hgt - pad, w - pad, hgt - pad));
    s.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%d\" font-size=\"10\">%d/s</text>", pad + 4, max));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\">0</text>", pad, hgt - pad + 12));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%d s</text>", w - pad - 20,
        hgt - pad + 12, ps.size()));
    return s.append("</svg>").toString();
  }

  private static String polyline(List<int[]> ps, int which, int pad, int hgt, double xs, double ys, String color) {
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < ps.size(); i++) {
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", pad + (i + 0.5) * xs, hgt - pad - ps.get(i)[which] * ys));
    }
    return "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.5\" points=\"" + pts + "\"/>";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
