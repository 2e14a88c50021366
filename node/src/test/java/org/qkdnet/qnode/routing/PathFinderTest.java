package org.qkdnet.qnode.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PathFinderTest {

  private static PathFinder finder(List<String> stations, Edge... edges) {
    return new PathFinder(new Graph(stations, List.of(edges)));
  }

  /** A-B-C-D chain of 3 km hops plus a 10 km shortcut A-D, and an isolated E. */
  private static PathFinder chainWithShortcut() {
    return finder(List.of("A", "B", "C", "D", "E"),
        new Edge("A", "B", 3), new Edge("B", "C", 3), new Edge("C", "D", 3), new Edge("A", "D", 10));
  }

  @Test
  void shortestPath_prefersFewerKmOverFewerHops() {
    assertThat(chainWithShortcut().shortestPath("A", "D")).contains(List.of("A", "B", "C", "D"));
  }

  @Test
  void shortestPath_isSymmetricInLength() {
    assertThat(chainWithShortcut().shortestPath("D", "A")).contains(List.of("D", "C", "B", "A"));
  }

  @Test
  void shortestPath_unusableStation_isAvoided() {
    Optional<List<String>> p = chainWithShortcut().shortestPath("A", "D", s -> !s.equals("C"), (a, b) -> true);
    assertThat(p).contains(List.of("A", "D"));
  }

  @Test
  void shortestPath_unusableLink_isAvoidedInBothDirections() {
    PathFinder f = finder(List.of("A", "B", "C"), new Edge("A", "B", 1), new Edge("B", "C", 1), new Edge("A", "C", 5));
    // The predicate is given the direction of travel; reject B-C only when asked as (C, B) or (B, C).
    Optional<List<String>> p = f.shortestPath("C", "A", s -> true,
        (x, y) -> !(x.equals("C") && y.equals("B")) && !(x.equals("B") && y.equals("C")));
    assertThat(p).contains(List.of("C", "A"));
  }

  @Test
  void shortestPath_unreachable_isEmpty() {
    assertThat(chainWithShortcut().shortestPath("A", "E")).isEmpty();
  }

  @Test
  void shortestPath_allRoutesCut_isEmpty() {
    Optional<List<String>> p = chainWithShortcut().shortestPath("A", "D", s -> !s.equals("B"), (a, b) -> !(a + b).equals("AD"));
    assertThat(p).isEmpty();
  }

  @Test
  void shortestPath_unusableDestination_isEmpty() {
    assertThat(chainWithShortcut().shortestPath("A", "B", s -> !s.equals("B"), (a, b) -> true)).isEmpty();
  }

  @Test
  void shortestPath_sameStation_isThatStation() {
    assertThat(chainWithShortcut().shortestPath("C", "C", s -> false, (a, b) -> false)).contains(List.of("C"));
  }

  @Test
  void shortestPath_unknownStation_isRejected() {
    assertThatThrownBy(() -> chainWithShortcut().shortestPath("A", "Z"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Z");
  }

  @Test
  void shortestPath_equalKm_prefersFewerHops() {
    PathFinder f = finder(List.of("A", "B", "C"), new Edge("A", "B", 2), new Edge("B", "C", 2), new Edge("A", "C", 4));
    assertThat(f.shortestPath("A", "C")).contains(List.of("A", "C"));
  }

  @Test
  void shortestPath_equalKmAndHops_prefersSmallerIds() {
    // Edges listed so that insertion order would favour the Z route if ties were broken by order.
    PathFinder f = finder(List.of("S", "Z", "B", "T"),
        new Edge("S", "Z", 1), new Edge("Z", "T", 1), new Edge("S", "B", 1), new Edge("B", "T", 1));
    assertThat(f.shortestPath("S", "T")).contains(List.of("S", "B", "T"));
    assertThat(f.shortestPath("T", "S")).contains(List.of("T", "B", "S"));
  }

  @Test
  void nodeDisjointPaths_trapGraph_findsBothWhereGreedyWouldFindOne() {
    // Shortest S-A-B-T uses both middle stations; the only disjoint pair is S-A-T and S-B-T.
    PathFinder f = finder(List.of("S", "A", "B", "T"),
        new Edge("S", "A", 1), new Edge("A", "B", 1), new Edge("B", "T", 1),
        new Edge("A", "T", 5), new Edge("S", "B", 5));
    assertThat(f.nodeDisjointPaths("S", "T", 2))
        .containsExactly(List.of("S", "A", "T"), List.of("S", "B", "T"));
  }

  @Test
  void nodeDisjointPaths_moreRequestedThanExist_returnsAllThatExist() {
    PathFinder f = finder(List.of("A", "B", "C", "D"),
        new Edge("A", "B", 1), new Edge("B", "C", 1), new Edge("C", "D", 1), new Edge("D", "A", 5));
    assertThat(f.nodeDisjointPaths("A", "C", 3))
        .containsExactly(List.of("A", "B", "C"), List.of("A", "D", "C"));
  }

  @Test
  void nodeDisjointPaths_directLink_countsAsOnePath() {
    PathFinder f = finder(List.of("S", "M", "T"), new Edge("S", "T", 9), new Edge("S", "M", 1), new Edge("M", "T", 1));
    assertThat(f.nodeDisjointPaths("S", "T", 2)).containsExactly(List.of("S", "M", "T"), List.of("S", "T"));
  }

  @Test
  void nodeDisjointPaths_excludedStation_isNotUsed() {
    PathFinder f = finder(List.of("A", "B", "C", "D"),
        new Edge("A", "B", 1), new Edge("B", "C", 1), new Edge("C", "D", 1), new Edge("D", "A", 1));
    assertThat(f.nodeDisjointPaths("A", "C", 2, s -> !s.equals("D"), (a, b) -> true))
        .containsExactly(List.of("A", "B", "C"));
  }

  @Test
  void nodeDisjointPaths_unreachable_isEmpty() {
    assertThat(chainWithShortcut().nodeDisjointPaths("A", "E", 2)).isEmpty();
  }

  @Test
  void nodeDisjointPaths_sameStation_isThatStation() {
    assertThat(chainWithShortcut().nodeDisjointPaths("B", "B", 2)).containsExactly(List.of("B"));
  }

  @Test
  void nodeDisjointPaths_kBelowOne_isRejected() {
    assertThatThrownBy(() -> chainWithShortcut().nodeDisjointPaths("A", "D", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void randomGraphs_agreeWithBruteForce() {
    Random rnd = new Random(20240601L);
    int[] seenCounts = new int[3];
    for (int round = 0; round < 200; round++) {
      int n = 3 + rnd.nextInt(6);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add("N" + i);
      }
      List<Edge> edges = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          if (rnd.nextDouble() < 0.4) {
            edges.add(new Edge(ids.get(i), ids.get(j), 1 + rnd.nextInt(20)));
          }
        }
      }
      Graph g = new Graph(ids, edges);
      PathFinder f = new PathFinder(g);
      String from = ids.get(0);
      String to = ids.get(n - 1);

      double best = bruteForceShortestKm(g, from, to);
      Optional<List<String>> p = f.shortestPath(from, to);
      if (best == Double.POSITIVE_INFINITY) {
        assertThat(p).as("round %d", round).isEmpty();
      } else {
        assertThat(p).as("round %d", round).isPresent();
        assertThat(g.route(p.get()).km()).as("round %d", round).isEqualTo(best);
      }

      List<List<String>> disjoint = f.nodeDisjointPaths(from, to, 2);
      assertDisjoint(g, disjoint, from, to);
      boolean twoExist = best != Double.POSITIVE_INFINITY && noSingleCut(g, from, to);
      assertThat(disjoint).as("round %d", round).hasSize(twoExist ? 2 : (p.isPresent() ? 1 : 0));
      seenCounts[disjoint.size()]++;
    }
    // The seed must exercise every case, or this test proves little.
    assertThat(java.util.Arrays.stream(seenCounts).min().orElseThrow()).as("fewest rounds per case").isGreaterThan(10);
  }

  private static void assertDisjoint(Graph g, List<List<String>> paths, String from, String to) {
    Set<String> inner = new HashSet<>();
    for (List<String> path : paths) {
      assertThat(path.get(0)).isEqualTo(from);
      assertThat(path.get(path.size() - 1)).isEqualTo(to);
      g.route(path); // throws if two consecutive stations are not linked
      for (String s : path.subList(1, path.size() - 1)) {
        assertThat(inner.add(s)).as("station %s used twice", s).isTrue();
      }
    }
    assertThat(new HashSet<>(paths)).hasSameSizeAs(paths);
  }

  /** Simple paths enumerated by depth-first search: exponential, fine for 8 stations. */
  private static double bruteForceShortestKm(Graph g, String from, String to) {
    return dfs(g, from, to, new HashSet<>(Set.of(from)), 0.0);
  }

  private static double dfs(Graph g, String cur, String to, Set<String> visited, double km) {
    if (cur.equals(to)) {
      return km;
    }
    double best = Double.POSITIVE_INFINITY;
    for (Edge e : g.edgesAt(cur)) {
      String next = e.other(cur);
      if (visited.add(next)) {
        best = Math.min(best, dfs(g, next, to, visited, km + e.km()));
        visited.remove(next);
      }
    }
    return best;
  }

  private static boolean noSingleCut(Graph g, String from, String to) {
    if (g.edge(from, to).isPresent()) {
      // With a direct link, two disjoint paths need one more path avoiding that link.
      PathFinder withoutDirect = new PathFinder(g);
      return withoutDirect.shortestPath(from, to, s -> true, (a, b) -> !(Set.of(a, b).equals(Set.of(from, to)))).isPresent();
    }
    for (String removed : g.stations()) {
      if (removed.equals(from) || removed.equals(to)) {
        continue;
      }
      Set<String> seen = new HashSet<>(Set.of(from));
      List<String> todo = new ArrayList<>(List.of(from));
      for (int i = 0; i < todo.size(); i++) {
        for (Edge e : g.edgesAt(todo.get(i))) {
          String next = e.other(todo.get(i));
          if (!next.equals(removed) && seen.add(next)) {
            todo.add(next);
          }
        }
      }
      if (!seen.contains(to)) {
        return false;
      }
    }
    return true;
  }
}
