package org.qkdnet.qnode.dashboard;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qkdnet.qnode.config.StationSpec;

/**
 * Where the dashboard draws each station: the topology's coordinates projected onto a {@code
 * width} x {@code height} drawing (equirectangular, longitude shrunk by the cosine of the mean
 * latitude so that a degree east and a degree north look alike at that latitude), scaled to fit
 * inside {@code margin} and centred; north is up. When every station has the same coordinates
 * (one station, or a topology that left them all at one point) they go round a circle instead.
 */
public final class MapLayout {
  /** A point of the drawing (y grows downwards, as in SVG). */
  public record Point(double x, double y) {}

  private MapLayout() {}

  /** The position of every station, by id, in topology order. */
  public static Map<String, Point> of(List<StationSpec> stations, double width, double height, double margin) {
    if (!(width > 2 * margin && height > 2 * margin && margin >= 0)) {
      throw new IllegalArgumentException("a " + width + " x " + height + " drawing has no room inside margin " + margin);
    }
    double meanLat = stations.stream().mapToDouble(StationSpec::lat).average().orElse(0);
    double shrink = Math.cos(Math.toRadians(meanLat));
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (StationSpec s : stations) {
      double x = s.lon() * shrink;
      double y = -s.lat();
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    double spanX = maxX - minX;
    double spanY = maxY - minY;
    if (stations.size() < 2 || (spanX < 1e-9 && spanY < 1e-9)) {
      return circle(stations, width, height, margin);
    }
    double innerW = width - 2 * margin;
    double innerH = height - 2 * margin;
    double scale = Math.min(spanX < 1e-9 ? Double.POSITIVE_INFINITY : innerW / spanX,
        spanY < 1e-9 ? Double.POSITIVE_INFINITY : innerH / spanY);
    // centre the used area in the drawing
    double offX = margin + (innerW - spanX * scale) / 2;
    double offY = margin + (innerH - spanY * scale) / 2;
    Map<String, Point> out = new LinkedHashMap<>();
    for (StationSpec s : stations) {
      out.put(s.id(), new Point(round(offX + (s.lon() * shrink - minX) * scale),
          round(offY + (-s.lat() - minY) * scale)));
    }
    return out;
  }

  private static Map<String, Point> circle(List<StationSpec> stations, double width, double height, double margin) {
    Map<String, Point> out = new LinkedHashMap<>();
    double r = Math.min(width, height) / 2 - margin;
    int n = stations.size();
    for (int i = 0; i < n; i++) {
      // the first station at the top, then clockwise
      double angle = -Math.PI / 2 + 2 * Math.PI * i / n;
      double x = n == 1 ? width / 2 : width / 2 + r * Math.cos(angle);
      double y = n == 1 ? height / 2 : height / 2 + r * Math.sin(angle);
      out.put(stations.get(i).id(), new Point(round(x), round(y)));
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
