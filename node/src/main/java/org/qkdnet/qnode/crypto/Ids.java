package org.qkdnet.qnode.crypto;

import java.util.regex.Pattern;

/** Ids end up in certificate subjects and file names, so they keep to a safe alphabet. */
final class Ids {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private Ids() {}

  static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
  }

  /** Throws naming {@code kind} and the offending id (ids are public names, not secrets). */
  static String check(String kind, String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException(
          "invalid " + kind + " '" + id + "': use 1..64 letters, digits, '-', '_' or '.'");
    }
    return id;
  }
}
