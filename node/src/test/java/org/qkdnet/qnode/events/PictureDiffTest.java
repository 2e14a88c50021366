package org.qkdnet.qnode.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qkdnet.qnode.admin.NetworkPicture;
import org.qkdnet.qnode.admin.NetworkPicture.LinkEnd;
import org.qkdnet.qnode.admin.NetworkPicture.LinkState;
import org.qkdnet.qnode.admin.NetworkPicture.MemberState;

class PictureDiffTest {
  private static MemberState member(String id, String status, boolean reachable, boolean drained,
      boolean storeFailed) {
    return new MemberState(id, "relay", status, reachable, drained, storeFailed);
  }

  private static LinkState link(String a, String b, String state) {
    return new LinkState(a, b, 10, state, new LinkEnd(a, state, 1, 1, 1), new LinkEnd(b, state, 1, 1, 1), 1000,
        Double.NaN);
  }

  private static NetworkPicture picture(List<MemberState> m, List<LinkState> l) {
    return new NetworkPicture("ALP", "local", m, l);
  }

  private static final NetworkPicture HEALTHY = picture(
      List.of(member("ALP", "Up", true, false, false), member("BRA", "Up", true, false, false)),
      List.of(link("ALP", "BRA", "UP")));

  private static List<String> texts(List<PictureDiff.Change> changes) {
    return changes.stream().map(c -> c.kind() + " " + c.subject() + ": " + c.detail()).toList();
  }

  @Test
  void firstPicture_andNoChange_giveNothing() {
    assertThat(PictureDiff.diff(null, Map.of(), HEALTHY, Map.of())).isEmpty();
    assertThat(PictureDiff.diff(HEALTHY, Map.of("ALP->BRA", List.of("ALP", "BRA")), HEALTHY,
        Map.of("ALP->BRA", List.of("ALP", "BRA")))).isEmpty();
  }

  @Test
  void memberChanges_areEvents_andTheBadOnesAlarms() {
    NetworkPicture after = picture(
        List.of(member("ALP", "Up", true, true, false), member("BRA", "Up", false, false, false)),
        HEALTHY.links());
    assertThat(texts(PictureDiff.diff(HEALTHY, Map.of(), after, Map.of()))).containsExactly(
        "MEMBER ALP: UP -> DRAINED",
        "MEMBER BRA: UP -> UNREACHABLE",
        "ALARM BRA: station BRA is unreachable");
    NetworkPicture failed = picture(
        List.of(member("ALP", "Up", true, false, true), member("BRA", "Absent", false, false, false)),
        HEALTHY.links());
    assertThat(texts(PictureDiff.diff(HEALTHY, Map.of(), failed, Map.of()))).containsExactly(
        "MEMBER ALP: UP -> STORE_FAILED",
        "ALARM ALP: the key store of ALP failed: it fails closed and is routed round",
        "MEMBER BRA: UP -> ABSENT",
        "ALARM BRA: station BRA left the cluster (Absent)");
  }

  @Test
  void linkChanges_areEvents_aQuarantineIsAnAlarm() {
    NetworkPicture down = picture(HEALTHY.members(), List.of(link("ALP", "BRA", "ADMIN_DOWN")));
    assertThat(texts(PictureDiff.diff(HEALTHY, Map.of(), down, Map.of())))
        .containsExactly("LINK ALP-BRA: UP -> ADMIN_DOWN");
    NetworkPicture quarantined = picture(HEALTHY.members(), List.of(link("ALP", "BRA", "QUARANTINED")));
    List<String> t = texts(PictureDiff.diff(down, Map.of(), quarantined, Map.of()));
    assertThat(t).hasSize(2);
    assertThat(t.get(0)).isEqualTo("LINK ALP-BRA: ADMIN_DOWN -> QUARANTINED");
    assertThat(t.get(1)).startsWith("ALARM ALP-BRA: link ALP-BRA is quarantined");
  }

  @Test
  void anEndShortOfKey_andWithKeyAgain_areLinkEvents() {
    LinkState shortAtBra = new LinkState("ALP", "BRA", 10, "UP", new LinkEnd("ALP", "UP", 1, 1, 1),
        new LinkEnd("BRA", "UP", 1, 1, 1, true), 1000, Double.NaN);
    NetworkPicture after = picture(HEALTHY.members(), List.of(shortAtBra));
    assertThat(texts(PictureDiff.diff(HEALTHY, Map.of(), after, Map.of())))
        .containsExactly("LINK ALP-BRA: short of key at BRA: its post-processing comes first");
    assertThat(PictureDiff.diff(after, Map.of(), after, Map.of())).as("still short: no new event").isEmpty();
    assertThat(texts(PictureDiff.diff(after, Map.of(), HEALTHY, Map.of())))
        .containsExactly("LINK ALP-BRA: key enough at BRA again");
  }

  @Test
  void routeChanges_areEvents_aLostRouteIsAnAlarm_aNewPairIsNot() {
    Map<String, List<String>> before = Map.of("ALP->CHA", List.of("ALP", "BRA", "CHA"));
    assertThat(texts(PictureDiff.diff(HEALTHY, before, HEALTHY, Map.of("ALP->CHA", List.of("ALP", "DEL", "CHA")))))
        .containsExactly("ROUTE ALP->CHA: ALP,BRA,CHA -> ALP,DEL,CHA");
    assertThat(texts(PictureDiff.diff(HEALTHY, before, HEALTHY, Map.of("ALP->CHA", List.of()))))
        .containsExactly("ROUTE ALP->CHA: ALP,BRA,CHA -> none", "ALARM ALP->CHA: no route ALP->CHA now");
    assertThat(PictureDiff.diff(HEALTHY, Map.of(), HEALTHY, before)).isEmpty();
  }
}
