package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads one value from a {@link Config} whose own full path is {@code base}, turning every
 * Typesafe Config error into a {@link ConfigException} that names the full key path
 * (including list indices such as {@code qnode.topology.links[3].km}, which Typesafe cannot name).
 */
final class Hocon {
  private final Config config;
  private final String base;

  Hocon(Config config, String base) {
    this.config = config;
    this.base = base;
  }

  /** The full key path of {@code key} below this node. */
  String path(String key) {
    return base.isEmpty() ? key : base + "." + key;
  }

  String base() {
    return base;
  }

  boolean has(String key) {
    return config.hasPath(key);
  }

  Hocon child(String key) {
    return read(key, config::getConfig, h -> new Hocon(h, path(key)));
  }

  String string(String key) {
    return read(key, config::getString, Function.identity());
  }

  String string(String key, String fallback) {
    return has(key) ? string(key) : fallback;
  }

  double number(String key) {
    double v = read(key, config::getDouble, Function.identity());
    if (!Double.isFinite(v)) {
      throw new ConfigException(path(key), "must be a finite number, got " + v);
    }
    return v;
  }

  /** A whole number; Typesafe's getInt would silently truncate 1.5 to 1. */
  int integer(String key) {
    Number n = read(key, config::getNumber, Function.identity());
    double d = n.doubleValue();
    if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
      throw new ConfigException(path(key), "must be a whole number, got " + n);
    }
    return n.intValue();
  }

  long bytes(String key) {
    return read(key, config::getBytes, Long::longValue);
  }

  boolean bool(String key) {
    return read(key, config::getBoolean, Function.identity());
  }

  Duration duration(String key) {
    return read(key, config::getDuration, Function.identity());
  }

  List<String> strings(String key) {
    return read(key, config::getStringList, List::copyOf);
  }

  /** The elements of a list of objects, each with its indexed path ({@code key[i]}). */
  List<Hocon> objects(String key) {
    List<? extends Config> list = read(key, config::getConfigList, Function.identity());
    List<Hocon> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      out.add(new Hocon(list.get(i), path(key) + "[" + i + "]"));
    }
    return out;
  }

  /**
   * The entries of an object whose keys are data (station ids). HOCON does not keep the file's
   * order, so callers must not depend on it. Keys come from the object itself, not parsed as
   * paths, so an id containing a dot stays one key.
   */
  Map<String, Hocon> entries(String key) {
    ConfigObject obj = read(key, config::getObject, Function.identity());
    Map<String, Hocon> out = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String entryPath = path(key) + "." + e.getKey();
      if (e.getValue().valueType() != ConfigValueType.OBJECT) {
        throw new ConfigException(entryPath, "must be an object, got " + e.getValue().valueType());
      }
      out.put(e.getKey(), new Hocon(((ConfigObject) e.getValue()).toConfig(), entryPath));
    }
    return out;
  }

  private <T, R> R read(String key, Function<String, T> getter, Function<T, R> convert) {
    try {
      return convert.apply(getter.apply(key));
    } catch (com.typesafe.config.ConfigException.Missing e) {
      throw new ConfigException(path(key), "missing", e);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(path(key), "invalid value (" + e.getMessage() + ")", e);
    }
  }
}
