package org.qkdnet.qnode.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A small parser of the Prometheus text exposition format (0.0.4): one sample per line,
 * {@code name{label="value",...} value [timestamp]}; comment lines skipped. Strict enough to fail
 * a test on a malformed page.
 */
public final class PrometheusText {
  public record Sample(String name, Map<String, String> labels, double value) {
    public String label(String key) {
      return labels.get(key);
    }
  }

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = List.copyOf(samples);
  }

  public static PrometheusText parse(String page) {
    List<Sample> out = new ArrayList<>();
    int lineNo = 0;
    for (String line : page.split("\n")) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      try {
        out.add(sample(line));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + lineNo + " is not a sample: " + line, e);
      }
    }
    return new PrometheusText(out);
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_'
        || line.charAt(i) == ':')) {
      i++;
    }
    String name = line.substring(0, i);
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      throw new IllegalArgumentException("bad metric name");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq).trim();
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value not quoted");
        }
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        for (; line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char n = line.charAt(++j);
            v.append(n == 'n' ? '\n' : n);
          } else {
            v.append(c);
          }
        }
        labels.put(key, v.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    String[] rest = line.substring(i).trim().split(" ");
    if (rest.length < 1 || rest.length > 2) {
      throw new IllegalArgumentException("expected a value and an optional timestamp");
    }
    return new Sample(name, labels, value(rest[0]));
  }

  private static double value(String s) {
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  public List<Sample> samples() {
    return samples;
  }

  public List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The samples named {@code name} whose labels include every pair of {@code labels}. */
  public List<Sample> find(String name, Map<String, String> labels) {
    Predicate<Sample> match = s -> s.name().equals(name)
        && labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey())));
    return samples.stream().filter(match).toList();
  }

  /** Sum of the values of {@link #find}; 0 when none. */
  public double sum(String name, Map<String, String> labels) {
    return find(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** Distinct metric names that start with {@code prefix}. */
  public Set<String> names(String prefix) {
    Set<String> out = new TreeSet<>();
    samples.stream().map(Sample::name).filter(n -> n.startsWith(prefix)).forEach(out::add);
    return out;
  }
}
