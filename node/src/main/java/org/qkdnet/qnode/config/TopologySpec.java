package org.qkdnet.qnode.config;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.qkdnet.qnode.routing.Edge;
import org.qkdnet.qnode.routing.Graph;

/**
 * The network as configured: stations, fiber links, the SAE registry and the admin operators.
 * Immutable. Every instance is valid: the constructor runs {@link TopologyValidator}, whose
 * errors name the HOCON key (e.g. {@code qnode.topology.links[3].km}), also for instances built
 * in code.
 */
public record TopologySpec(
    String name,
    String description,
    List<StationSpec> stations,
    List<LinkSpec> links,
    List<SaeSpec> saes,
    List<String> operators,
    List<SaePairSpec> saePairs) {

  /** Where the topology lives in the configuration. */
  public static final String PATH = "qnode.topology";

  public TopologySpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    stations = List.copyOf(stations);
    links = List.copyOf(links);
    saes = List.copyOf(saes);
    operators = List.copyOf(operators);
    saePairs = List.copyOf(saePairs);
    TopologyValidator.validate(name, stations, links, saes, operators);
    TopologyValidator.validatePairs(saes, saePairs);
  }

  /** A topology without per-SAE-pair policies. */
  public TopologySpec(String name, String description, List<StationSpec> stations, List<LinkSpec> links,
      List<SaeSpec> saes, List<String> operators) {
    this(name, description, stations, links, saes, operators, List.of());
  }

  /** Reads and validates {@code qnode.topology} of a full configuration. */
  public static TopologySpec fromConfig(Config root) {
    if (!root.hasPath(PATH)) {
      throw new ConfigException(
          PATH, "missing: load a topology (e.g. `--config hubei`, `--config local` or a file)");
    }
    Hocon t = new Hocon(root, "").child(PATH);
    List<StationSpec> stations = new ArrayList<>();
    for (Hocon s : t.objects("stations")) {
      String roleText = s.string("role");
      Role role = Role.parse(roleText).orElseThrow(
          () -> new ConfigException(s.path("role"), "'" + roleText + "' is not one of backbone, relay"));
      stations.add(new StationSpec(s.string("id"), s.string("name"), role, s.number("lat"), s.number("lon")));
    }
    List<LinkSpec> links = new ArrayList<>();
    for (Hocon l : t.objects("links")) {
      links.add(new LinkSpec(l.string("a"), l.string("b"), l.number("km")));
    }
    List<SaeSpec> saes = new ArrayList<>();
    for (Hocon s : t.objects("saes")) {
      saes.add(new SaeSpec(s.string("id"), s.string("station"), s.string("description", ""),
          s.has("peers") ? s.strings("peers") : List.of()));
    }
    List<String> operators = t.has("operators") ? t.strings("operators") : List.of();
    List<SaePairSpec> pairs = new ArrayList<>();
    if (t.has("sae-pairs")) {
      for (Hocon p : t.objects("sae-pairs")) {
        pairs.add(new SaePairSpec(p.string("master"), p.string("slave"), p.integer("paths")));
      }
    }
    return new TopologySpec(
        t.string("name"), t.string("description", ""), stations, links, saes, operators, pairs);
  }

  public Optional<StationSpec> station(String id) {
    return stations.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** Position of the station in topology order (used by the port rule), or -1 if unknown. */
  public int indexOf(String stationId) {
    for (int i = 0; i < stations.size(); i++) {
      if (stations.get(i).id().equals(stationId)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The two stations the demo and benchmarks connect by default: the first and the last backbone
   * station (Wuhan and Yichang on hubei), or the first and last station without two backbones.
   */
  public List<String> defaultEndpoints() {
    List<StationSpec> backbone = stationsWithRole(Role.BACKBONE);
    List<StationSpec> candidates = backbone.size() >= 2 ? backbone : stations;
    return List.of(candidates.get(0).id(), candidates.get(candidates.size() - 1).id());
  }

  public List<StationSpec> stationsWithRole(Role role) {
    return stations.stream().filter(s -> s.role() == role).toList();
  }

  public List<SaeSpec> saesOf(String stationId) {
    return saes.stream().filter(s -> s.stationId().equals(stationId)).toList();
  }

  /** The topology's path count for keys from {@code master} to {@code slave}, if it sets one. */
  public Optional<Integer> pathsFor(String master, String slave) {
    return saePairs.stream().filter(p -> p.master().equals(master) && p.slave().equals(slave))
        .map(SaePairSpec::paths).findFirst();
  }

  /**
   * The access policy: may {@code master} and {@code slave} share keys? Both must be registered
   * and each one's {@code peers} (where set) must name the other.
   */
  public boolean pairAllowed(String master, String slave) {
    Optional<SaeSpec> m = sae(master);
    Optional<SaeSpec> s = sae(slave);
    return m.isPresent() && s.isPresent() && m.get().accepts(slave) && s.get().accepts(master);
  }

  public Optional<SaeSpec> sae(String id) {
    return saes.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** Ids of the stations one link away, sorted, so callers iterate deterministically. */
  public List<String> neighbors(String stationId) {
    return links.stream()
        .filter(l -> l.touches(stationId))
        .map(l -> l.other(stationId))
        .sorted()
        .toList();
  }

  public Optional<LinkSpec> linkBetween(String a, String b) {
    return links.stream().filter(l -> l.connects(a, b)).findFirst();
  }

  public double totalKm() {
    return links.stream().mapToDouble(LinkSpec::km).sum();
  }

  /** The topology as a routing graph (stations and links only). */
  public Graph toGraph() {
    return new Graph(
        stations.stream().map(StationSpec::id).toList(),
        links.stream().map(l -> new Edge(l.a(), l.b(), l.km())).toList());
  }
}
