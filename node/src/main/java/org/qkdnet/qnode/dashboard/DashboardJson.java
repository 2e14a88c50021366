package org.qkdnet.qnode.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.qkdnet.qnode.admin.NetworkPicture;
import org.qkdnet.qnode.config.StationSpec;
import org.qkdnet.qnode.config.TopologySpec;
import org.qkdnet.qnode.events.NetworkEvent;

/**
 * What the dashboard page reads, as JSON written by Jackson: the network picture with where to
 * draw each station and how full each link is, and the station's events (relays with their
 * paths). Figures and names only: nothing here ever holds key material.
 */
public final class DashboardJson {
  /** The drawing the page's SVG map uses (its viewBox). */
  public static final double WIDTH = 1000;
  public static final double HEIGHT = 640;
  static final double MARGIN = 70;
  /** A send pool this small counts as empty (about four 256-bit relays' worth of pad). */
  static final long EMPTY_POOL_BYTES = 256;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final TopologySpec topology;
  private final Map<String, MapLayout.Point> layout;
  private final long maxPoolBytes;

  /** @param maxPoolBytes a link end's pool cap ({@code qnode.device.max-pool-bytes}), the top of the scale */
  public DashboardJson(TopologySpec topology, long maxPoolBytes) {
    this.topology = topology;
    this.layout = MapLayout.of(topology.stations(), WIDTH, HEIGHT, MARGIN);
    this.maxPoolBytes = maxPoolBytes;
  }

  /**
   * How full a send pool of {@code bytes} is on a log scale, 0 (empty: at most {@link
   * #EMPTY_POOL_BYTES}) to 1 (at the cap): each doubling moves it the same step, so a nearly dry
   * link stands out from one merely below its usual level.
   */
  public static double poolLevel(long bytes, long maxPoolBytes) {
    if (bytes <= EMPTY_POOL_BYTES) {
      return 0;
    }
    if (bytes >= maxPoolBytes) {
      return 1;
    }
    double level = Math.log((double) bytes / EMPTY_POOL_BYTES) / Math.log((double) maxPoolBytes / EMPTY_POOL_BYTES);
    return Math.min(1, Math.round(level * 1000) / 1000.0);
  }

  /** The picture as the page draws it. */
  public String picture(NetworkPicture p) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("station", p.station());
    root.put("topology", p.topology());
    root.put("width", WIDTH);
    root.put("height", HEIGHT);
    root.put("maxPoolBytes", maxPoolBytes);
    ArrayNode stations = root.putArray("stations");
    for (NetworkPicture.MemberState m : p.members()) {
      ObjectNode s = stations.addObject();
      s.put("id", m.id());
      StationSpec spec = topology.station(m.id()).orElse(null);
      s.put("name", spec == null ? m.id() : spec.name());
      s.put("role", m.role());
      MapLayout.Point at = layout.get(m.id());
      if (spec != null && at != null) {
        s.put("lat", spec.lat());
        s.put("lon", spec.lon());
        s.put("x", at.x());
        s.put("y", at.y());
      }
      s.put("status", m.status());
      s.put("reachable", m.reachable());
      s.put("drained", m.drained());
      s.put("storeFailed", m.storeFailed());
      s.put("condition", m.condition());
    }
    ArrayNode links = root.putArray("links");
    for (NetworkPicture.LinkState l : p.links()) {
      ObjectNode o = links.addObject();
      o.put("id", l.name());
      o.put("a", l.a());
      o.put("b", l.b());
      o.put("km", l.km());
      o.put("state", l.state());
      long minSend = Math.min(l.endA().sendBytes(), l.endB().sendBytes());
      o.put("minSendBytes", minSend);
      o.put("level", poolLevel(minSend, maxPoolBytes));
      number(o, "secureBitsPerSecond", l.secureBitsPerSecond());
      number(o, "qber", l.qber());
      end(o.putObject("endA"), l.endA());
      end(o.putObject("endB"), l.endB());
    }
    return write(root);
  }

  private static void end(ObjectNode o, NetworkPicture.LinkEnd e) {
    o.put("station", e.station());
    o.put("state", e.state());
    o.put("sendBytes", e.sendBytes());
    o.put("receiveBytes", e.receiveBytes());
    o.put("unassignedBytes", e.unassignedBytes());
  }

  /** One event; a RELAY event also carries its parsed paths (or failure) for the animation. */
  public static String event(NetworkEvent e) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("seq", e.seq());
    o.put("time", e.timeMillis());
    o.put("station", e.station());
    o.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
    o.put("subject", e.subject());
    o.put("detail", e.detail());
    if (e.kind() == NetworkEvent.Kind.RELAY) {
      RelayTrace.parse(e.subject(), e.detail()).ifPresent(t -> {
        ObjectNode r = o.putObject("relay");
        r.put("from", t.from());
        r.put("to", t.to());
        r.put("delivered", t.delivered());
        ArrayNode paths = r.putArray("paths");
        for (List<String> path : t.paths()) {
          ArrayNode a = paths.addArray();
          path.forEach(a::add);
        }
        if (t.millis() >= 0) {
          r.put("millis", t.millis());
        }
        r.put("reason", t.reason());
        r.put("at", t.at());
      });
    }
    return write(o);
  }

  /** JSON has no NaN: a figure not measured (QBER before the first frame) is null. */
  private static void number(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }

  private static String write(ObjectNode o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
