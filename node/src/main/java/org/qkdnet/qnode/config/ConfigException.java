package org.qkdnet.qnode.config;

import java.util.Objects;

/**
 * A setting is missing or wrong. The message always starts with the HOCON key path (or, for a
 * file that cannot be read, the file path) so an operator knows which line to fix.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String keyPath;
  private final String problem;

  public ConfigException(String keyPath, String problem) {
    this(keyPath, problem, null);
  }

  public ConfigException(String keyPath, String problem, Throwable cause) {
    super(Objects.requireNonNull(keyPath, "keyPath") + ": " + Objects.requireNonNull(problem, "problem"), cause);
    this.keyPath = keyPath;
    this.problem = problem;
  }

  /** e.g. {@code qnode.topology.links[3].km}. */
  public String keyPath() {
    return keyPath;
  }

  /** The problem without the key path, e.g. {@code 140 km exceeds the 100 km limit of one QKD link}. */
  public String problem() {
    return problem;
  }
}
