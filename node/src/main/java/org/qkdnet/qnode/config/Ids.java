package org.qkdnet.qnode.config;

import java.util.regex.Pattern;

/**
 * The one rule for station, SAE and operator ids. Ids end up in certificate subjects, file
 * names, metric labels and URL paths, so they are kept to a character set that is safe in all.
 */
public final class Ids {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /** Human-readable form of the rule, for error messages. */
  public static final String RULE = "1 to 64 characters of A-Z a-z 0-9 _ . -";

  private Ids() {}

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
