package org.qkdnet.qnode.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The rules a topology must obey; each error names the offending key under {@code qnode.topology}. */
final class TopologyValidator {
  private static final String P = TopologySpec.PATH;

  private TopologyValidator() {}

  static void validate(
      String name,
      List<StationSpec> stations,
      List<LinkSpec> links,
      List<SaeSpec> saes,
      List<String> operators) {
    if (name.isBlank()) {
      throw new ConfigException(P + ".name", "must not be empty");
    }
    Map<String, Integer> stationIndex = checkStations(stations);
    checkLinks(links, stationIndex);
    checkSaes(saes, stationIndex);
    checkOperators(operators);
  }

  /** Each SAE pair names two registered SAEs of different stations, once, with 1..2 paths. */
  static void validatePairs(List<SaeSpec> saes, List<SaePairSpec> pairs) {
    Map<String, String> stationOf = new HashMap<>();
    saes.forEach(s -> stationOf.put(s.id(), s.stationId()));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < pairs.size(); i++) {
      SaePairSpec p = pairs.get(i);
      String at = P + ".sae-pairs[" + i + "]";
      if (!stationOf.containsKey(p.master())) {
        throw new ConfigException(at + ".master", "'" + p.master() + "' is not an SAE of the registry");
      }
      if (!stationOf.containsKey(p.slave())) {
        throw new ConfigException(at + ".slave", "'" + p.slave() + "' is not an SAE of the registry");
      }
      if (stationOf.get(p.master()).equals(stationOf.get(p.slave()))) {
        throw new ConfigException(at + ".slave", "'" + p.slave() + "' is at the master's own station "
            + stationOf.get(p.master()) + ": its keys are not relayed, so paths do not apply");
      }
      SaeSpec m = saes.stream().filter(x -> x.id().equals(p.master())).findFirst().orElseThrow();
      SaeSpec sl = saes.stream().filter(x -> x.id().equals(p.slave())).findFirst().orElseThrow();
      if (!m.accepts(p.slave()) || !sl.accepts(p.master())) {
        throw new ConfigException(at, "pair " + p.master() + " -> " + p.slave()
            + " is not allowed by the SAEs' peers lists (saes[].peers)");
      }
      if (p.paths() < 1 || p.paths() > RelaySettings.MAX_PATHS) {
        throw new ConfigException(at + ".paths", p.paths() + " is outside 1.." + RelaySettings.MAX_PATHS);
      }
      if (!seen.add(p.master() + "\u0000" + p.slave())) {
        throw new ConfigException(at, "pair " + p.master() + " -> " + p.slave() + " is listed twice");
      }
    }
  }

  private static Map<String, Integer> checkStations(List<StationSpec> stations) {
    if (stations.isEmpty()) {
      throw new ConfigException(P + ".stations", "at least one station is required");
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < stations.size(); i++) {
      StationSpec s = stations.get(i);
      String at = P + ".stations[" + i + "]";
      checkId(at + ".id", s.id());
      Integer previous = index.putIfAbsent(s.id(), i);
      if (previous != null) {
        throw new ConfigException(
            at + ".id", "duplicate station id '" + s.id() + "' (also stations[" + previous + "])");
      }
      if (s.name().isBlank()) {
        throw new ConfigException(at + ".name", "must not be empty");
      }
      if (!(s.lat() >= -90.0 && s.lat() <= 90.0)) {
        throw new ConfigException(at + ".lat", s.lat() + " is outside -90..90 degrees");
      }
      if (!(s.lon() >= -180.0 && s.lon() <= 180.0)) {
        throw new ConfigException(at + ".lon", s.lon() + " is outside -180..180 degrees");
      }
    }
    return index;
  }

  private static void checkLinks(List<LinkSpec> links, Map<String, Integer> stations) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < links.size(); i++) {
      LinkSpec l = links.get(i);
      String at = P + ".links[" + i + "]";
      if (!stations.containsKey(l.a())) {
        throw new ConfigException(at + ".a", "unknown station '" + l.a() + "'");
      }
      if (!stations.containsKey(l.b())) {
        throw new ConfigException(at + ".b", "unknown station '" + l.b() + "'");
      }
      if (l.a().equals(l.b())) {
        throw new ConfigException(at, "a link from station '" + l.a() + "' to itself");
      }
      String key = l.a().compareTo(l.b()) < 0 ? l.a() + "\n" + l.b() : l.b() + "\n" + l.a();
      Integer previous = seen.putIfAbsent(key, i);
      if (previous != null) {
        throw new ConfigException(
            at, "duplicate link " + l.a() + "-" + l.b() + " (also links[" + previous + "])");
      }
      if (!(l.km() > 0.0) || Double.isInfinite(l.km())) {
        throw new ConfigException(at + ".km", "must be a positive number of km, got " + l.km());
      }
      if (l.km() > LinkSpec.MAX_KM) {
        throw new ConfigException(
            at + ".km",
            fmt(l.km()) + " km exceeds the " + fmt(LinkSpec.MAX_KM) + " km limit of one QKD link");
      }
    }
  }

  private static void checkSaes(List<SaeSpec> saes, Map<String, Integer> stations) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < saes.size(); i++) {
      SaeSpec s = saes.get(i);
      String at = P + ".saes[" + i + "]";
      checkId(at + ".id", s.id());
      Integer previous = seen.putIfAbsent(s.id(), i);
      if (previous != null) {
        throw new ConfigException(
            at + ".id", "duplicate SAE id '" + s.id() + "' (also saes[" + previous + "])");
      }
      if (!stations.containsKey(s.stationId())) {
        throw new ConfigException(at + ".station", "unknown station '" + s.stationId() + "'");
      }
    }
    for (int i = 0; i < saes.size(); i++) {
      SaeSpec s = saes.get(i);
      java.util.Set<String> listed = new java.util.HashSet<>();
      for (int j = 0; j < s.peers().size(); j++) {
        String peer = s.peers().get(j);
        String at = P + ".saes[" + i + "].peers[" + j + "]";
        if (!seen.containsKey(peer)) {
          throw new ConfigException(at, "'" + peer + "' is not an SAE of the registry");
        }
        if (peer.equals(s.id())) {
          throw new ConfigException(at, "an SAE does not share keys with itself");
        }
        if (!listed.add(peer)) {
          throw new ConfigException(at, "'" + peer + "' is listed twice");
        }
      }
    }
  }

  private static void checkOperators(List<String> operators) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < operators.size(); i++) {
      String at = P + ".operators[" + i + "]";
      checkId(at, operators.get(i));
      Integer previous = seen.putIfAbsent(operators.get(i), i);
      if (previous != null) {
        throw new ConfigException(
            at, "duplicate operator '" + operators.get(i) + "' (also operators[" + previous + "])");
      }
    }
  }

  private static void checkId(String at, String id) {
    if (!Ids.isValid(id)) {
      throw new ConfigException(at, "'" + id + "' is not a valid id (" + Ids.RULE + ")");
    }
  }

  /** 140.0 prints as 140, 99.5 as 99.5. */
  private static String fmt(double km) {
    return km == Math.rint(km) ? Long.toString((long) km) : Double.toString(km);
  }
}
